"""The messages that could not be delivered, for supervisors to send again. Every row comes
through `outbox.selectors`, every retry goes through `outbox.services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.roles import SUPERVISING_ROLES
from outbox import services
from outbox.models import Dispatch
from outbox.selectors import dispatches_for, failed_dispatches_for, with_subjects


@require_GET
@role_required(*SUPERVISING_ROLES)
def dispatch_failed_list(request: HttpRequest) -> HttpResponse:
    dispatches = with_subjects(list(failed_dispatches_for(request.user)[:200]))
    return render(request, "outbox/dispatch_failed_list.html", {"dispatches": dispatches})


@require_POST
@role_required(*SUPERVISING_ROLES)
def dispatch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    # Any message of the area: one sent again already (a double click) is told so.
    dispatch: Dispatch = get_object_or_404(dispatches_for(request.user), pk=pk)
    try:
        services.dispatch_retry(actor=request.user, dispatch=dispatch)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("outbox:failed")
