"""Registry pages. Every household they show comes through `households.selectors`."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.roles import REGISTRY_ROLES
from accounts.selectors import region_within_q
from households.forms import FIELD_NAME_RE, HouseholdFilterForm, chosen_chain, region_picker_context
from households.models import Household, Region
from households.selectors import household_get_for, households_in_scope


@role_required(*REGISTRY_ROLES)
def household_list(request: HttpRequest) -> HttpResponse:
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    households = households_in_scope(request.user).select_related("region__parent")
    if form.is_valid() and form.cleaned_data["region"]:
        households = households.filter(region_within_q(form.cleaned_data["region"].code, "region"))
    page = Paginator(households, 25).get_page(request.GET.get("page"))
    return render(request, "households/household_list.html", {"form": form, "page": page})


@role_required(*REGISTRY_ROLES)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household: Household = household_get_for(request.user, pk)
    return render(request, "households/household_detail.html", {"household": household})


@login_required
@require_GET
def region_picker(request: HttpRequest) -> HttpResponse:
    """The region picker re-rendered after one of its selects changed (htmx)."""
    name = request.GET.get("field", "")
    try:
        leaf_level = int(request.GET.get("leaf", Region.Level.VILLAGE))
    except ValueError:
        leaf_level = 0
    html_id = request.GET.get("id") or f"id_{name}"
    if (
        not FIELD_NAME_RE.match(name)
        or not FIELD_NAME_RE.match(html_id)
        or leaf_level not in Region.Level.values
    ):
        return HttpResponseBadRequest(_("Bad region picker request."))
    chain = chosen_chain(request.GET, name, leaf_level)
    context = {"picker": region_picker_context(request.user, name, chain, leaf_level, html_id)}
    return render(request, "includes/region_picker.html", context)
