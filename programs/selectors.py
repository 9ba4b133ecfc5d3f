"""Reads of the programmes app that depend on who is asking."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.selectors import region_scope_q
from programs.models import ScreeningRun


def screening_runs_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ScreeningRun]:
    """Screening runs over regions inside the user's scope, newest first. The findings
    (a CSV column that may be large) are left out: `screening_run_get_for` reads them."""
    return (
        ScreeningRun.objects.filter(region_scope_q(user, "region"))
        .select_related("program", "region", "requested_by")
        .defer("findings_csv")
    )


def screening_run_get_for(
    user: AbstractBaseUser | AnonymousUser, pk: int, *, with_findings: bool = False
) -> ScreeningRun:
    """One run inside the user's scope, or 404; its findings CSV only when asked for."""
    runs = ScreeningRun.objects.filter(region_scope_q(user, "region")).select_related(
        "program", "region", "requested_by"
    )
    return get_object_or_404(runs if with_findings else runs.defer("findings_csv"), pk=pk)
