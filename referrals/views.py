"""Referral pages: the back office refers and follows, the agency answers. Every referral
comes through `referrals.selectors`, every change goes through `referrals.services`."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.roles import REGISTRY_ROLES, SUPERVISING_ROLES, Role, has_role
from accounts.selectors import office_for_region
from accounts.services import personal_list_shown
from complaints.selectors import assessment_of, complaint_get_for, complaint_matches
from households.selectors import districts_for
from households.services import household_identifiers_seen
from outbox.selectors import failed_dispatches_for
from programs.models import Program
from referrals import services
from referrals.filters import ReferralFilter
from referrals.forms import (
    DecisionForm,
    DocumentRequestForm,
    ReactivationForm,
    ReferralCreateForm,
    ReferralTransitionForm,
)
from referrals.models import ReactivationRecord, Referral
from referrals.selectors import (
    REFERRAL_OFFICE_ROLES,
    agency_inbox_for,
    agency_reads_file,
    complaint_files,
    decision_queue_for,
    documents_asked_q,
    referral_file,
    referral_get_for,
    referrals_for,
    referred_program_codes,
)
from slrt.field_errors import add_service_errors
from slrt.middleware import shows_whole_identifiers
from slrt.pagination import EstimatedCountPaginator

VIEW_ROLES = (*REFERRAL_OFFICE_ROLES, Role.AGENCY_OFFICER)


def decider_required(view):
    """Let in signed-in users who may decide referrals (`referrals.decide_referral`)."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not services.may_decide(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@role_required(Role.BACK_OFFICE)
def referral_create(request: HttpRequest, complaint_pk: int) -> HttpResponse:
    """Choose, among the programmes matching the assessed needs, those to refer to."""
    complaint = complaint_get_for(request.user, complaint_pk)
    matches = complaint_matches(complaint, assessment_of(complaint.pk))
    offered = Program.objects.filter(pk__in=[match.program.pk for match in matches])
    files = complaint_files(complaint, [match.program for match in matches])
    form = ReferralCreateForm(
        request.POST if request.method == "POST" else None,
        programs=offered,
        # A link may tick a programme ahead: "Propose to DTSEN" on the complaint page.
        initial={"program": request.GET.getlist("program")},
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["program"])
        try:
            created = services.referrals_create(
                actor=request.user,
                complaint=complaint,
                programs=chosen,
                notes=form.notes_by_program(),
            )
        except ValidationError as error:
            form.add_service_errors(error, chosen)
        else:
            messages.success(
                request,
                _("Referred to %(codes)s.") % {"codes": ", ".join(r.program.code for r in created)},
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "referrals/referral_create.html",
        {
            "complaint": complaint,
            "matches": matches,
            "rows": form.programme_rows(matches, files),
            "form": form,
            "referred_codes": referred_program_codes(complaint.pk),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(*VIEW_ROLES)
def referral_list(request: HttpRequest) -> HttpResponse:
    """Agency officers: their agency's referrals, unanswered first. Office staff: the
    referrals of their area, newest first, filterable by status."""
    is_agency = has_role(request.user, Role.AGENCY_OFFICER)
    referrals = agency_inbox_for(request.user) if is_agency else referrals_for(request.user)
    filters = ReferralFilter(request.GET, queryset=referrals, districts=districts_for(request.user))
    listed = filters.qs if filters.is_valid() else referrals.none()
    listed = listed.annotate(
        documents_asked=ExpressionWrapper(documents_asked_q(), output_field=BooleanField())
    )
    may_supervise = has_role(request.user, *SUPERVISING_ROLES)
    page = EstimatedCountPaginator(listed, 25).get_page(request.GET.get("page"))
    personal_list_shown(
        actor=request.user,
        what=_("Referrals to your agency") if is_agency else _("Referrals"),
        rows=len(page.object_list),
        filters=request.GET.urlencode(),
        path=request.path,
    )
    return render(
        request,
        "referrals/referral_list.html",
        {
            "page": page,
            "is_agency": is_agency,
            "filters": filters,
            "today": timezone.localdate(),
            "failed_count": failed_dispatches_for(request.user).count() if may_supervise else 0,
        },
        status=200 if filters.is_valid() else 400,
    )


@shows_whole_identifiers
@require_GET
@role_required(*VIEW_ROLES)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, referral_get_for(request.user, pk))


def _render_detail(
    request,
    referral,
    *,
    form=None,
    request_form=None,
    decision_form=None,
    reactivation_form=None,
    status=200,
) -> HttpResponse:
    household_identifiers_seen(actor=request.user, household=referral.household, path=request.path)
    assessment = assessment_of(referral.complaint_id)
    is_receiver = services.is_receiver(request.user, referral)
    is_sender = services.is_sender(request.user, referral)
    may_ask = is_receiver and referral.status in Referral.AT_AGENCY
    awaiting = referral.status == Referral.Status.AWAITING_DECISION
    deciding = awaiting and services.may_decide(request.user)
    reactivation = ReactivationRecord.objects.filter(referral=referral).first()
    records_reactivation = (
        referral.program.is_reactivation
        and is_sender
        and referral.status in services.REACTIVATION_STATUSES
    )
    if records_reactivation and reactivation_form is None:
        reactivation_form = ReactivationForm(
            initial={
                "uploaded_on": getattr(reactivation, "uploaded_on", None),
                "result": getattr(reactivation, "result", ""),
                "result_on": getattr(reactivation, "result_on", None),
                "refusal_reason": getattr(reactivation, "refusal_reason", ""),
                "version": getattr(reactivation, "version", 0),
            }
        )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "household": referral.household,
            "members": referral.household.members.all(),
            "assessment": assessment,
            "events": referral.events.select_related("actor", "kind"),
            "dispatches": referral.dispatches.all(),
            "moves": services.moves_for(request.user, referral),
            "is_sender": is_sender,
            "form": form,
            "decision_refusal": services.decision_refusal(request.user, referral)
            if deciding
            else None,
            "decision_form": (decision_form or DecisionForm()) if deciding else None,
            "reactivation": reactivation,
            # a form sent back with its errors is shown, whatever the referral is now
            "reactivation_form": reactivation_form,
            "file": referral_file(referral),
            "file_readable": _reads_file(request.user, referral),
            "request_form": request_form or (DocumentRequestForm() if may_ask else None),
        },
        status=status,
    )


def _reads_file(user, referral: Referral) -> bool:
    """Whether the page links the file's documents: the office's staff of the area always,
    the agency's officers while the referral is with them (the download's own rule)."""
    return has_role(user, *REGISTRY_ROLES) or agency_reads_file(user, referral)


@shows_whole_identifiers
@require_POST
@role_required(Role.AGENCY_OFFICER)
def referral_request_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency asks the sending office for a document of the referral's file."""
    referral = referral_get_for(request.user, pk)
    form = DocumentRequestForm(request.POST)
    if form.is_valid():
        try:
            services.referral_request_document(
                actor=request.user,
                referral=referral,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The office is asked for %(kind)s.") % {"kind": form.cleaned_data["kind"].name},
            )
            return redirect("referrals:detail", pk=pk)
    return _render_detail(request, referral, request_form=form, status=400)


@require_GET
@decider_required
def referral_decisions(request: HttpRequest) -> HttpResponse:
    """The approver's queue: referrals of their area waiting for a decision (penetapan),
    emergencies first, then the longest waiting."""
    page = EstimatedCountPaginator(decision_queue_for(request.user), 25).get_page(
        request.GET.get("page")
    )
    personal_list_shown(
        actor=request.user,
        what=_("Referrals awaiting a decision"),
        rows=len(page.object_list),
        filters=request.GET.urlencode(),
        path=request.path,
    )
    return render(request, "referrals/referral_decisions.html", {"page": page})


@shows_whole_identifiers
@require_POST
@decider_required
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """An approver approves (sends) or returns a referral waiting for a decision."""
    referral = referral_get_for(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.referral_decide(
                actor=request.user,
                referral=referral,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except services.ReferralConflict as conflict:
            messages.warning(request, str(conflict))
            return _render_detail(request, conflict.referral, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["decision"] == services.Decision.APPROVE:
                messages.success(request, _("Approved: the referral is sent to the agency."))
            else:
                messages.success(request, _("Returned to the sender with your note."))
            return redirect("referrals:decisions")
    return _render_detail(request, referral, decision_form=form, status=400)


@shows_whole_identifiers
@require_POST
@role_required(Role.BACK_OFFICE)
def referral_reactivation(request: HttpRequest, pk: int) -> HttpResponse:
    """The back office records the PBI-JK reactivation: the upload and its result."""
    referral = referral_get_for(request.user, pk)
    if not referral.program.is_reactivation:
        messages.warning(request, _("This programme records no reactivation."))
        return redirect("referrals:detail", pk=pk)
    form = ReactivationForm(request.POST)
    if form.is_valid():
        try:
            services.reactivation_record(actor=request.user, referral=referral, **form.cleaned_data)
        except services.ReactivationChanged as changed:
            # The user's entry stays in the form, to be saved on the record as it is now.
            data = request.POST.copy()
            data["version"] = changed.record.version if changed.record else 0
            form = ReactivationForm(data)
            form.is_valid()
            form.add_error(None, changed)
            return _render_detail(request, referral, reactivation_form=form, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reactivation is recorded."))
            return redirect("referrals:detail", pk=pk)
    return _render_detail(request, referral, reactivation_form=form, status=400)


@shows_whole_identifiers
@require_POST
@role_required(Role.BACK_OFFICE, Role.AGENCY_OFFICER)
def referral_transition(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_for(request.user, pk)
    form = ReferralTransitionForm(request.POST)
    # Sent from the confirmation page, which exists only for the moves that cannot be undone:
    # any other `to` (or none) is shown on the referral's page with its message.
    confirming = (
        request.POST.get("confirm") == "1"
        and request.POST.get("to") in ReferralTransitionForm.FINAL_MOVES
    )
    if not form.is_valid():
        if confirming:
            return _render_confirm(request, referral, form, status=400)
        return _render_detail(request, referral, form=form, status=400)
    if form.needs_confirmation():
        if form.cleaned_data["to"] not in services.moves_for(request.user, referral):
            return _cannot_move(request, referral)
        return _render_confirm(request, referral, form)
    try:
        services.referral_transition(
            actor=request.user,
            referral=referral,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        )
    except services.ReferralConflict as conflict:
        messages.warning(request, str(conflict))
        return _render_detail(request, conflict.referral, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        if confirming:
            return _render_confirm(request, referral, form, status=400)
        return _render_detail(request, referral, form=form, status=400)
    messages.success(request, _("The referral is updated."))
    return redirect("referrals:detail", pk=pk)


@require_GET
@role_required(Role.BACK_OFFICE, Role.AGENCY_OFFICER)
def referral_confirm(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """The confirmation of a move that cannot be undone (complete, reject, cancel): what
    the referral is, what follows, and the note; its form makes the move."""
    referral = referral_get_for(request.user, pk)
    if move not in ReferralTransitionForm.FINAL_MOVES:
        raise Http404
    if move not in services.moves_for(request.user, referral):
        return _cannot_move(request, referral)
    form = ReferralTransitionForm(initial={"to": move, "version": referral.version})
    return _render_confirm(request, referral, form)


# What follows each move that cannot be undone, said on its confirmation page.
CONSEQUENCES = {
    Referral.Status.COMPLETED: gettext_lazy(
        "The referral is settled as served. It cannot be reopened: the agency can no longer "
        "change it, and once every referral of the complaint is settled the complaint moves "
        "to follow-up."
    ),
    Referral.Status.REJECTED: gettext_lazy(
        "The referral is settled as rejected, with your reason, which the sending office "
        "reads. It cannot be reopened: the office would have to refer the household again."
    ),
    Referral.Status.CANCELLED: gettext_lazy(
        "The agency is told that the referral is cancelled and stops handling it. To refer "
        "the household again, make a new referral."
    ),
}
QUESTIONS = {
    Referral.Status.COMPLETED: gettext_lazy("Mark the referral as completed?"),
    Referral.Status.REJECTED: gettext_lazy("Reject the referral?"),
    Referral.Status.CANCELLED: gettext_lazy("Cancel the referral?"),
}
CONFIRM_LABELS = {
    Referral.Status.COMPLETED: gettext_lazy("Yes, mark it as completed"),
    Referral.Status.REJECTED: gettext_lazy("Yes, reject it"),
    Referral.Status.CANCELLED: gettext_lazy("Yes, cancel the referral"),
}
NOTE_LABELS = {
    Referral.Status.COMPLETED: gettext_lazy("What did the household receive?"),
    Referral.Status.REJECTED: gettext_lazy("Why is it rejected?"),
    Referral.Status.CANCELLED: gettext_lazy("Why is it cancelled? (optional)"),
}


def _render_confirm(request, referral, form: ReferralTransitionForm, status=200) -> HttpResponse:
    move = form["to"].value()
    return render(
        request,
        "referrals/referral_confirm.html",
        {
            "referral": referral,
            "head": referral.household.head,
            "form": form,
            "move": move,
            "question": QUESTIONS[move],
            "consequence": CONSEQUENCES[move],
            "confirm_label": CONFIRM_LABELS[move],
            "note_label": NOTE_LABELS[move],
            "note_required": move != Referral.Status.CANCELLED,
        },
        status=status,
    )


def _cannot_move(request, referral) -> HttpResponse:
    messages.warning(request, _("This referral cannot be moved that way now: nothing was changed."))
    return redirect("referrals:detail", pk=referral.pk)


@shows_whole_identifiers
@require_GET
@role_required(*VIEW_ROLES)
def referral_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral letter (surat rujukan), to print on A4 and give to the resident, on the
    letterhead of the office serving the household (the office that refers it)."""
    referral = referral_get_for(request.user, pk)
    household_identifiers_seen(actor=request.user, household=referral.household, path=request.path)
    assessment = assessment_of(referral.complaint_id)
    return render(
        request,
        "referrals/referral_letter.html",
        {
            "referral": referral,
            "household": referral.household,
            "assessment": assessment,
            "office": office_for_region(referral.household.region_id),
            "file": referral_file(referral),
        },
    )
