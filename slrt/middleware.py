"""Project-wide middleware."""

import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    """Whether `request` is an API client's, to be answered in JSON: by the middleware and
    the error pages that answer before any DRF view does."""
    return request.path.startswith(API_PREFIX)


class LanguageMiddleware:
    """Indonesian unless the user chose another language in the layout.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones in
    Indonesian offices are set to English; staff should get Indonesian unless they pick
    English. API clients, which cannot pick, still get the language they ask for.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
            if is_api_request(request):
                language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulCharactersMiddleware:
    """Answer 400 to a query string or form carrying a NUL character.

    Nobody types one; PostgreSQL refuses them in any text, so one reaching a query would be
    a server error. Forms and the API check their own fields too; this covers the rest
    (admin filters, lookups in query strings).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            message = translation.gettext(
                "The request contains a NUL character, which is not allowed."
            )
            if is_api_request(request):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class SessionLimitsMiddleware:
    """Sign a user out after `SESSION_IDLE_TIMEOUT` seconds without a request, and
    `SESSION_COOKIE_AGE` seconds after signing in, whatever they do since.

    A shared office computer left signed in is how personal data leaks. The time of the last
    request is written at most once a minute, not on every request.
    """

    SIGNED_IN = "_slrt_signed_in"
    SEEN = "_slrt_seen"
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def start(cls, sender, request: HttpRequest, user, **kwargs) -> None:
        """On signing in (the `user_logged_in` signal): the clocks start."""
        if request is not None and hasattr(request, "session"):
            now = int(time.time())
            request.session[cls.SIGNED_IN] = request.session[cls.SEEN] = now

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in, seen = session.get(self.SIGNED_IN), session.get(self.SEEN)
            if signed_in is None or seen is None:
                session[self.SIGNED_IN] = signed_in or now
                session[self.SEEN] = now
            elif (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - signed_in > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(request, _("Your session ended. Sign in again to go on."))
            elif now - seen >= self.TOUCH_EVERY:
                session[self.SEEN] = now
        return self.get_response(request)


def shows_whole_identifiers(view):
    """Mark a view (a function, or a class such as a DRF viewset) whose answers carry whole
    NIKs or KK numbers: `NoStoreMiddleware` tells browsers and proxies not to keep them.

    A shared office computer's browser cache, or a caching proxy, would otherwise hold the
    page after the user signed out.
    """
    view.shows_whole_identifiers = True
    return view


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on the answers of views marked with
    `shows_whole_identifiers`, whatever they answer (a page, a file, JSON, an error), and
    on the answer to any request whose query carries a whole NIK or KK number: a search
    shows what was typed, and every page's layout links back to its own address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_slrt_no_store", False):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        request._slrt_no_store = (
            getattr(view_func, "shows_whole_identifiers", False)
            or getattr(view_class, "shows_whole_identifiers", False)
            or _carries_whole_identifier(request.GET)
        )


# Sixteen digits in a row, once the spaces, dots and dashes people type between them are gone.
_WHOLE_IDENTIFIER = re.compile(r"\d{16}")


def _carries_whole_identifier(data) -> bool:
    return any(
        _WHOLE_IDENTIFIER.search(re.sub(r"[\s.-]", "", value))
        for key in data
        for value in data.getlist(key)
    )
