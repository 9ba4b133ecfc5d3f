"""Reads of regions: those a user may pick, and those an administrator may rename.

Regions are the ground floor and know no staff profile: a user's working area (the code of
the region they work in, or None) is asked of the function `settings.REGIONS_AREA_OF` names
(`accounts.selectors.scope_code_of`), so that there is one definition of it.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from regions.models import Region, within_q


@functools.cache
def _area_function(path: str) -> Callable[[AbstractBaseUser | AnonymousUser], str | None]:
    return import_string(path)


def area_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The code of the region `user` works in (`52.72`), or None: no area, no region."""
    return _area_function(settings.REGIONS_AREA_OF)(user)


def region_in_area(area: str | None, code: str) -> Region | None:
    """The region with `code` if it lies inside the region `area`, else None."""
    if area is None or not Region.code_is_within(code, area):
        return None
    return Region.objects.filter(code=code).first()


def region_choices_for(
    user: AbstractBaseUser | AnonymousUser, parent_code: str | None
) -> QuerySet[Region]:
    """The regions a picker offers below `parent_code` (provinces when None), within the
    user's area.

    Above and at the area's level only the area's own line is offered (a user of Kota Bima
    sees NTB and Kota Bima only); below it, every child of the chosen parent.
    """
    area = area_of(user)
    if area is None:
        return Region.objects.none()
    if parent_code is None:
        children = Region.objects.filter(level=Region.Level.PROVINCE)
    else:
        children = Region.objects.filter(parent_id=parent_code)
    area_line = Region.line_of(area)
    level = Region.Level.PROVINCE if parent_code is None else len(Region.line_of(parent_code)) + 1
    if level <= len(area_line):
        return children.filter(code=area_line[level - 1])
    if not Region.code_is_within(parent_code, area):
        return Region.objects.none()
    return children


def regions_managed_by(user: AbstractBaseUser | AnonymousUser, regions: QuerySet) -> QuerySet:
    """The regions of `regions` that lie inside `user`'s working area (all, for superusers):
    those an administrator renames, and offers as a user's area or an agency's region."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return regions
    area = area_of(user)
    if area is None:
        return regions.none()
    return regions.filter(within_q(area))
