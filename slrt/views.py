"""Project-wide endpoints that belong to no app, and the pages every background job
(`slrt.jobs`) shares."""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from slrt.jobs import Job, JobMoveRefused, job_rerun
from slrt.middleware import is_api_request

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: database unreachable")
        return "down"
    return "ok"


def broker_status() -> str:
    """`eager` when no broker is configured (tasks run in-process), else `ok` or `down`."""
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from slrt.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises transport-specific errors; any of them means "down"
        logger.warning("healthz: broker unreachable", exc_info=True)
        return "down"
    return "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """`{"database": "ok", "broker": "ok" | "eager" | "down"}`; 503 when the database is down."""
    status = {"database": database_status(), "broker": broker_status()}
    return JsonResponse(status, status=200 if status["database"] == "ok" else 503)


# Error pages: HTML for people, JSON for API clients (who read every answer as JSON), for the
# requests that never reach a DRF view (a URL that matches nothing, a server error).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": _("You may not do this.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """The last pattern under /api/: whatever the method, a URL of no endpoint is 404."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """`CSRF_FAILURE_VIEW`. A post past the upload limit is not read (`slrt.uploads`), its
    CSRF token with it: say the request was too large, not that the token is missing."""
    if getattr(request, "upload_too_large", False):
        message = _("The request is larger than %(limit)s MB and was not read; nothing changed.")
        return HttpResponse(
            message % {"limit": settings.SLRT_IMPORT_MAX_MB},
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    return csrf.csrf_failure(request, reason)


def job_page(
    request: HttpRequest, job: Job, *, page: str, progress: str, **context
) -> HttpResponse:
    """A background job's page (`page`), or, to the poll of its progress part (htmx, every
    2 s while the job is unfinished; `progress` extends templates/includes/job_progress.html),
    that part alone. Both templates get the job as `job`, with `context`."""
    return render(request, progress if request.htmx else page, {"job": job, **context})


def job_run_again(request: HttpRequest, job: Job, *, page: str) -> HttpResponse:
    """Queue a failed job again (`slrt.jobs.job_rerun`) and go back to its page (the URL name
    `page`), which says why if it could not be."""
    try:
        job_rerun(job)
    except JobMoveRefused as refused:
        messages.error(request, refused.messages[0])
    return redirect(page, job.pk)
