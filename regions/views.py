"""The region picker's one page: its selects re-rendered after one of them changed."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from regions.forms import FIELD_NAME_RE, chosen_chain, region_picker_context
from regions.models import Region


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
        not FIELD_NAME_RE.fullmatch(name)
        or not FIELD_NAME_RE.fullmatch(html_id)
        or leaf_level not in Region.Level.values
    ):
        return HttpResponseBadRequest(_("Bad region picker request."))
    chain = chosen_chain(request.GET, name, leaf_level)
    context = {"picker": region_picker_context(request.user, name, chain, leaf_level, html_id)}
    return render(request, "regions/region_picker.html", context)
