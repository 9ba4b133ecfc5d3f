"""The API's answer to a refusal: 400 with messages by field, whoever refused.

Viewsets call services without catching anything. A service's Django `ValidationError`
becomes a 400 as DRF's own shape errors are: `{"kk_number": ["…"]}`, and the paths of items
(`members[1].nik`, see `slrt.field_errors`) nested as DRF nests a list's errors, by position:
`{"members": {"1": {"nik": ["…"]}}}`. Where items have errors of their own, what concerns the
list as a whole ("mark one member as the head") goes with the other general messages, under
`non_field_errors`. A database constraint that a concurrent write broke is answered the same
way, with that constraint's field message (`slrt.constraints`).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from slrt.constraints import violation_error
from slrt.field_errors import ITEM_PATH


def api_error_detail(error: DjangoValidationError) -> dict:
    """A service's ValidationError as the body of a 400 answer."""
    general = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(error, "error_dict"):
        return {general: error.messages}
    detail: dict = {}
    items: dict[str, dict[int, dict]] = {}
    for key, messages in error.message_dict.items():
        if path := ITEM_PATH.fullmatch(key):
            items.setdefault(path["name"], {}).setdefault(int(path["index"]), {})[path["field"]] = (
                messages
            )
        else:
            detail[general if key == NON_FIELD_ERRORS else key] = messages
    for name, by_index in items.items():
        if name in detail:
            detail[general] = [*detail.get(general, []), *detail.pop(name)]
        detail[name] = dict(sorted(by_index.items()))
    return detail


def api_exception_handler(exc, context):
    """`REST_FRAMEWORK["EXCEPTION_HANDLER"]`: DRF's, after turning a service's refusal
    (`ValidationError`, a constraint broken by a concurrent write) into a 400. A record out
    of the user's area (or none) is "Tidak ditemukan.", as an unknown address is: not
    Django's "No Household matches the given query.", English and naming the model; a
    `null` body is refused in the user's language, not with DRF's untranslated text."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(api_error_detail(exc))
    elif isinstance(exc, IntegrityError) and (found := violation_error(exc)) is not None:
        exc = ValidationError(api_error_detail(found[1]))
    elif isinstance(exc, Http404):
        # Django's "No Proposal matches the given query." is English only: DRF's own
        # "Not found." is translated, and says the same for every object out of reach.
        exc = NotFound()
    elif isinstance(exc, ValidationError) and _no_data(exc.detail):
        # DRF answers a `null` body with an untranslated "No data provided".
        exc = ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [
                ErrorDetail(_("No data provided: send a JSON object."), code="null")
            ]}
        )  # fmt: skip
    return exception_handler(exc, context)


def _no_data(detail) -> bool:
    """Whether `detail` is DRF's answer to a `null` body (`Serializer.run_validation`)."""
    if not isinstance(detail, dict) or list(detail) != [api_settings.NON_FIELD_ERRORS_KEY]:
        return False
    messages = detail[api_settings.NON_FIELD_ERRORS_KEY]
    return (
        isinstance(messages, list) and len(messages) == 1
        and isinstance(messages[0], ErrorDetail) and messages[0].code == "null"
    )  # fmt: skip
