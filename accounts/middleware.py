"""Middleware that needs the signed-in staff user."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.selectors import scope_code_of
from regions.time_zones import time_zone_of
from slrt.middleware import is_api_request


class OfficeTimeZoneMiddleware:
    """Each office lives in its own time zone: a page for a staff user shows times, and
    takes "today", in the zone of their working area (Kota Bima: WITA). Users without one
    and public pages keep the server's default zone.

    The API keeps the default zone for everyone (token clients are known only inside the
    view): its times carry their UTC offset, so they say the same instant in any zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            return self.get_response(request)
        timezone.activate(time_zone_of(scope_code_of(request.user)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
