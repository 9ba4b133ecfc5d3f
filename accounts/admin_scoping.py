"""Admin pieces that keep the admin inside the same scope rules as every other page.

Who an administrator reaches, in one place: users whose roles they may grant and whose
working area lies inside their own (never a superuser, never a user without a staff
profile); agencies, programmes and offices of their area; everything else read-only. The
regions of their area are `regions.selectors.regions_managed_by`, on the floor below.
Superusers reach everything and are the only ones who reach superusers.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import grantable_roles
from accounts.selectors import region_scope_q, scope_code_of
from regions.models import Region


def is_superuser(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def users_managed_by(actor: AbstractBaseUser | AnonymousUser, users: QuerySet) -> QuerySet:
    """The users of `users` that `actor` may read and manage in the admin.

    A superuser manages everyone. Anyone else manages only users who are not superusers,
    have a staff profile whose working area lies inside the actor's, hold no group beyond the
    roles the actor may grant (`accounts.roles.grantable_roles`) and no permission of their
    own (those only a superuser hands out).
    """
    if is_superuser(actor):
        return users
    beyond = Group.objects.exclude(name__in=grantable_roles(actor))
    return (
        users.filter(region_scope_q(actor, "staff_profile__scope"), is_superuser=False)
        .exclude(groups__in=beyond)
        .exclude(user_permissions__isnull=False)
    )


def manages_user(actor: AbstractBaseUser | AnonymousUser, user: User) -> bool:
    return users_managed_by(actor, User.objects.filter(pk=user.pk)).exists()


def agencies_managed_by(actor: AbstractBaseUser | AnonymousUser, agencies: QuerySet) -> QuerySet:
    """The agencies whose settings `actor` may change: those serving a region inside the
    actor's area. An agency serving a wider area (a ministry, the city's Dinas Sosial for a
    district's administrator) is changed only by an administrator whose area covers it."""
    if is_superuser(actor):
        return agencies
    return agencies.filter(region_scope_q(actor, "region"))


def offices_seen_by(actor: AbstractBaseUser | AnonymousUser, offices: QuerySet) -> QuerySet:
    """The offices `actor` reads in the admin: those of their area and those above it (the
    city's office, for a district's staff, whose letterhead they print)."""
    if is_superuser(actor):
        return offices
    scope = scope_code_of(actor)
    if scope is None:
        return offices.none()
    return offices.filter(region__in=Region.objects.within_or_above(scope))


def offices_managed_by(actor: AbstractBaseUser | AnonymousUser, offices: QuerySet) -> QuerySet:
    """The offices whose settings `actor` may change: those serving a region inside the
    actor's area (a district's administrator does not change the city's letterhead)."""
    if is_superuser(actor):
        return offices
    return offices.filter(region_scope_q(actor, "region"))


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """Change history that shows only objects `get_queryset` shows, and never writes.

    django-simple-history looks objects up in the history table itself (so a deleted or
    out-of-scope object's history would show) and saves its history form on POST whatever
    the revert setting says. Changes go through the pages and their services instead.
    The history list and a past version show what the object held; `history_seen` is told
    of each page shown (households write their access-log row there).
    """

    def _require_visible(self, request, object_id) -> None:
        try:
            visible = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:  # its list shows each change, old and new values
            self.history_seen(request, self.get_queryset(request).get(pk=object_id))
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        if request.method != "GET":
            raise PermissionDenied
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if response.status_code == 200:
            self.history_seen(request, self.get_queryset(request).get(pk=object_id))
        return response

    def history_seen(self, request, obj) -> None:
        """Called when `obj`'s history or a past version is shown; records nothing here."""


class ReadOnlyAdminMixin:
    """For records that change only through their pages and services (which validate and
    keep the audit trail): the admin shows them, never adds, changes or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserEditsAdminMixin:
    """For settings shared by every area (complaint categories): read-only to everyone but
    superusers, whatever permissions a role holds."""

    def has_add_permission(self, request, obj=None):
        return is_superuser(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_superuser(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request.user) and super().has_delete_permission(request, obj)


class UnfilterableFieldsMixin:
    """Fields no admin list is filtered by: `unfilterable_fields`, secrets and whole
    identifiers. Django lets a list be filtered by any field of its model in the address
    (`?webhook_secret__startswith=a`), and the rows or the count of the answer then read the
    field out a character at a time, past the change page that hides it or the search that
    writes the access log. As Django's user admin refuses lookups on the password, these
    lists answer 400."""

    unfilterable_fields: tuple[str, ...] = ()

    def lookup_allowed(self, lookup, value, request):
        if lookup.split(LOOKUP_SEP, 1)[0] in self.unfilterable_fields:
            return False
        return super().lookup_allowed(lookup, value, request)
