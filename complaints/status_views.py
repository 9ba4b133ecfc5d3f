"""The public status page (`/status/`): no sign-in, a ticket and four digits, the stage.
What it may say is `complaints.public_status`'s."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.authentication import client_address
from complaints.public_status import Limited, complaint_status_lookup
from slrt.form_style import StyledForm


class StatusForm(StyledForm):
    ticket = forms.CharField(
        label=_("Ticket number"),
        max_length=40,
        help_text=_("As printed on your receipt, such as SLRT-5272-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last4 = forms.RegexField(
        label=_("Last four digits of the complainant's NIK or phone number"),
        regex=r"^[0-9]{4}\Z",
        strip=True,  # as the API reads them: a phone's keyboard may add a space
        error_messages={"invalid": _("Write the last four digits, numbers only.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    """A resident's look-up: the form, and on POST (the digits stay out of addresses and
    logs) the stage, or one answer for an unknown ticket and for wrong digits."""
    form = StatusForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "looked_up": False, "result": None}
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                context["result"] = complaint_status_lookup(
                    ticket=form.cleaned_data["ticket"],
                    last4=form.cleaned_data["last4"],
                    address=client_address(request),
                )
            except Limited:
                context["limited"] = True
                status = 429
            else:
                context["looked_up"] = True
            # The digits are not written back into the page (a shared phone, a screenshot).
            context["form"] = StatusForm(initial={"ticket": form.cleaned_data["ticket"]})
    return render(request, "complaints/public_status.html", context, status=status)
