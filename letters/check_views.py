"""A letter's public check (`/v/{token}/`): no sign-in, never cached; what it may say is
`letters.public_check`'s."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.authentication import client_address
from letters.public_check import Limited, letter_check


@never_cache
@require_GET
def public_letter_check(request: HttpRequest, token: str) -> HttpResponse:
    """Valid or revoked, with the letter's number, date, kind, office and the holder's
    masked name; one answer (404) for a token unknown or malformed; 429 past the limit."""
    context = {"answer": None, "limited": False}
    try:
        context["answer"] = letter_check(token=token, address=client_address(request))
    except Limited:
        context["limited"] = True
        status = 429
    else:
        status = 200 if context["answer"] else 404
    return render(request, "letters/letter_check.html", context, status=status)
