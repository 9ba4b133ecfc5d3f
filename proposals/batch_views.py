"""The monthly batches on the pages: the list with this month's countdown, a batch's page
with its proposals and minutes, its approval and sending, and the BNBA download. Batches
come through `proposals.selectors`, their moves go through `proposals.batches`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.models import AccessLog
from accounts.services import access_record
from documents.selectors import documents_of
from proposals.batches import batch_approve as approve
from proposals.batches import (
    batch_countdown,
    batch_mark_sent,
    batch_minutes,
    batch_proposals,
    with_counts,
)
from proposals.bnba import bnba_file_name, bnba_workbook
from proposals.models import ProposalBatch
from proposals.selectors import PROPOSAL_ROLES, batch_get_for, batches_for
from proposals.services import APPROVE

DOWNLOAD_BNBA = "proposals.download_bnba"
BATCH_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BnbaForm(forms.Form):
    """Why the BNBA leaves the system: it holds whole NIK and KK numbers and names."""

    PURPOSES = [
        (AccessLog.Purpose.SUPERVISION, AccessLog.Purpose.SUPERVISION.label),
        (AccessLog.Purpose.PROGRAM_PLANNING, AccessLog.Purpose.PROGRAM_PLANNING.label),
    ]

    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose of this download"),
        choices=[("", "—"), *PURPOSES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


@require_GET
@role_required(*PROPOSAL_ROLES)
def batch_list(request: HttpRequest) -> HttpResponse:
    """The batches of the user's villages, newest month first, with the countdown of each
    village's input this month."""
    batches = with_counts(batches_for(request.user)).select_related("region")
    batches = list(batches[: BATCH_PAGE + 1])
    countdowns = {}
    for batch in batches:
        if batch.region_id not in countdowns:
            countdowns[batch.region_id] = batch_countdown(batch.region)
        countdown = countdowns[batch.region_id]
        batch.countdown = countdown if _counting_down(batch, countdown) else None
    return render(
        request,
        "proposals/batch_list.html",
        {"batches": batches[:BATCH_PAGE], "more": len(batches) > BATCH_PAGE},
    )


def _counting_down(batch: ProposalBatch, countdown: dict) -> bool:
    """Whether the batch still takes this month's input: open, and of this month."""
    this_month = countdown["today"].replace(day=1)
    return batch.status == ProposalBatch.Status.OPEN and batch.month == this_month


def _detail_context(request: HttpRequest, batch: ProposalBatch) -> dict:
    user = request.user
    countdown = batch_countdown(batch.region)
    cycle = countdown["cycle"]
    month = batch.month
    return {
        "batch": batch,
        "proposals": batch_proposals(batch).select_related("household", "person").order_by(
            "kind", "pk"
        ),
        "minutes": documents_of(user, "batch", batch.pk),
        "has_minutes": batch_minutes(batch).exists(),
        "countdown": countdown if _counting_down(batch, countdown) else None,
        "cycle_days": [
            (_("Village meetings"), month, month.replace(day=cycle.meeting_last_day)),
            (_("Input"), month, month.replace(day=cycle.input_last_day)),
            (_("Cut-off"), month.replace(day=cycle.cutoff_day), None),
            (_("Pulled by the ministry"), month.replace(day=cycle.pull_day), None),
        ],
        "may_upload": batch.status == ProposalBatch.Status.OPEN
        and batch_proposals(batch).exists() and user.has_perm("proposals.add_proposal"),
        "may_approve": batch.status == ProposalBatch.Status.OPEN and user.has_perm(APPROVE),
        "may_send": batch.status == ProposalBatch.Status.APPROVED and user.has_perm(APPROVE),
        "may_download": batch.status != ProposalBatch.Status.OPEN
        and user.has_perm(DOWNLOAD_BNBA),
    }  # fmt: skip


@require_GET
@role_required(*PROPOSAL_ROLES)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for(request.user, pk)
    return render(request, "proposals/batch_detail.html", _detail_context(request, batch))


def _batch_move(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    batch = batch_get_for(request.user, pk)
    if not request.user.has_perm(APPROVE):
        raise PermissionDenied
    try:
        service(actor=request.user, batch=batch)
    except ValidationError as error:
        context = _detail_context(request, batch)
        context["errors"] = error.messages
        return render(request, "proposals/batch_detail.html", context, status=400)
    messages.success(request, done)
    return redirect("proposals:batch_detail", pk=batch.pk)


@require_POST
@login_required
def batch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the batch (the head of office): its minutes attached, every proposal verified."""
    return _batch_move(request, pk, approve, _("The batch is approved."))


@require_POST
@login_required
def batch_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the approved batch as sent to the ministry."""
    return _batch_move(request, pk, batch_mark_sent, _("The batch is marked sent."))


@require_http_methods(["GET", "POST"])
@login_required
def batch_bnba(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved batch's BNBA as XLSX, whole NIK, KK and names: only for the role that
    downloads it (the head of office's), after saying why; the download is logged."""
    batch = batch_get_for(request.user, pk)
    if not request.user.has_perm(DOWNLOAD_BNBA):
        raise PermissionDenied
    if batch.status == ProposalBatch.Status.OPEN:
        raise Http404
    form = BnbaForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(
            request,
            "proposals/batch_bnba.html",
            {"batch": batch, "form": form, "rows": batch_proposals(batch).count()},
            status=400 if form.errors else 200,
        )
    content = bnba_workbook(batch)
    access_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=_("BNBA of batch %(village)s %(month)s")
        % {"village": batch.region_id, "month": f"{batch.month:%m-%Y}"},
        purpose=form.cleaned_data["purpose"],
        rows=batch_proposals(batch).count(),
        path=request.path,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{bnba_file_name(batch)}"'
    return response
