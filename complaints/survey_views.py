"""The satisfaction survey's pages: the resident's, reached by the link of the closing
message (no sign-in), and the desk's, on a closed complaint. What they may show and ask is
`complaints.survey`'s."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.authentication import client_address
from accounts.decorators import role_required
from accounts.roles import Role
from accounts.selectors import office_for_region
from complaints.forms import SurveyForm
from complaints.public_status import Limited
from complaints.selectors import complaint_get_for
from complaints.survey import Via, survey_answer, survey_by_token, survey_for
from slrt.field_errors import add_service_errors

DESK_ROLES = (Role.FRONT_OFFICE, Role.BACK_OFFICE)
PUBLIC_TEMPLATE = "complaints/survey_public.html"


@never_cache
@require_http_methods(["GET", "POST"])
def survey_public(request: HttpRequest, token: str) -> HttpResponse:
    """The resident's survey: the office's name and the nine questions. A link that cannot
    be answered (unknown, malformed, already answered) gets one and the same page."""
    try:
        survey = survey_by_token(token=token, address=client_address(request))
    except Limited:
        return render(request, PUBLIC_TEMPLATE, {"limited": True}, status=429)
    if survey is None:  # 200, as the status check's "no match": the log keeps no token
        return render(request, PUBLIC_TEMPLATE, {"unusable": True})
    office = office_for_region(survey.complaint.household.region_id)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(
                survey=survey,
                scores=form.scores(),
                suggestion=form.cleaned_data["suggestion"],
                via=Via.LINK,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # answered meanwhile: as any used link
                return render(request, PUBLIC_TEMPLATE, {"unusable": True})
            add_service_errors(form, error)
        else:
            return render(request, PUBLIC_TEMPLATE, {"thanked": True, "office": office})
    return render(
        request,
        PUBLIC_TEMPLATE,
        {"form": form, "office": office},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def complaint_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey answered at the desk, on a closed complaint of the user's area: the
    resident answers, the front or back office records it (once)."""
    complaint = complaint_get_for(request.user, pk)
    context = {"complaint": complaint}
    if complaint.is_open:
        return render(request, "complaints/complaint_survey.html", context)
    survey = survey_for(complaint)
    if survey.is_answered:
        messages.info(request, _("The satisfaction survey of this complaint is answered."))
        return redirect("complaints:detail", pk=pk)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(
                survey=survey,
                scores=form.scores(),
                suggestion=form.cleaned_data["suggestion"],
                via=Via.DESK,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The satisfaction survey is recorded."))
            return redirect("complaints:detail", pk=pk)
    context.update(form=form, survey=survey)
    return render(
        request, "complaints/complaint_survey.html", context, status=400 if form.errors else 200
    )
