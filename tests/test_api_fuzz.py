"""Schemathesis sends each endpoint of `/api/schema/` requests generated from the schema, as
each role's token (front office, back office, agency officer, supervisor): its examples,
coverage (boundary and invalid values of every field) and fuzzing phases per operation, and
its stateful phase (sequences: register, then read, assess, close…). Every check runs: no
server error, answers as documented (status, content type, headers, body), invalid requests
refused, valid ones accepted, nothing reachable without the token.

The seed is fixed and hypothesis derandomised, so a run repeats itself; the four roles take
about three and a half minutes on a two-core machine (the CI's budget for this is four).
"""

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure

from accounts.roles import Role
from documents.services import document_upload
from letters.models import LetterKind
from letters.services import letter_draft
from proposals.corrections import HOUSEHOLD_FIELDS, PERSON_FIELDS
from referrals.services import referrals_create
from slrt.wsgi import application
from tests.factories import staff_user
from visits.models import OBSERVED_FIELDS
from visits.services import visit_request

SEED = 16
EXAMPLES_PER_OPERATION = 60  # fuzzing, as the review ran it; coverage adds its own cases
STATEFUL_SCENARIOS = 20
STATEFUL_STEPS = 10

ROLES = [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.AGENCY_OFFICER, Role.SUPERVISOR,
         Role.FACILITATOR]  # fmt: skip

# Refusals that depend on what is stored, which no schema can say: an id that names nothing
# (or nothing in the caller's area), a category or programme code that does not exist, a move
# the object's current state does not allow (closing a closed complaint), credentials of
# nobody. A schema-valid request refused for any other field is a failure.
# The registry's own rules: the region in the caller's area, a KK or NIK of no other household
# and agreeing with the birth date and sex, one head, names in letters.
REGISTRY_RULES = {"region", "kk_number", "members", "non_field_errors"}
REFUSED_BY_STORED_DATA = {
    "POST /api/v1/auth/token/": {"non_field_errors", "otp"},
    # A phone number is valid by the numbering plans (`phonenumbers`), which no pattern says;
    # a channel needs a phone and the consent, which a left-out pair takes from the member.
    "POST /api/v1/complaints/": {
        "household",
        "complainant",
        "category",
        "phone",
        "contact_consent",
    },
    "POST /api/v1/complaints/{id}/assessment/": {"needs"},
    "POST /api/v1/complaints/{id}/close/": {"status", "closure_reason"},
    "POST /api/v1/referrals/": {"complaint", "program"},
    # A document's record and kind are stored data; its file is judged by its content (a photo
    # or a PDF, whole, without scripts), which a schema's `format: binary` cannot say.
    "POST /api/v1/documents/": {"owner_id", "kind", "file"},
    "POST /api/v1/referrals/{id}/transition/": {"to", "note"},
    # Decided only while awaiting a decision, by an approver who did not prepare it; a return
    # needs its note.
    "POST /api/v1/referrals/{id}/decision/": {"decision", "note"},
    # A visit's facilitator must cover the household; its due date must not have passed.
    "POST /api/v1/visits/": {"household", "assignee", "due", "non_field_errors"},
    # What the verdict needs (the photos stored, the person met), the location inside
    # Indonesia or a reason, the household's members and its variables' codes; a visit sent.
    "POST /api/v1/visits/{id}/submit/": {
        "latitude",
        "longitude",
        "no_location_reason",
        "photo_front",
        "photo_inside",
        "met_name",
        "members_present",
        "observed",
        "non_field_errors",
        *(f"observed.{name}" for name in OBSERVED_FIELDS),
    },
    # An objection: to a recipient household of the objector's own village, the objector
    # named unless anonymous, a location inside Indonesia (both coordinates or neither),
    # a reason that is more than spaces; decided once, with the home visit sent.
    "POST /api/v1/objections/": {
        "household",
        "objector_village",
        "objector_name",
        "latitude",
        "longitude",
        "reason",
    },
    "POST /api/v1/objections/{id}/decide/": {"outcome", "proposal_kind", "changes"},
    # A proposal: a household and member of the caller's area, living there, of a kind the
    # household's registry state allows (a new household not in it yet), a correction that
    # changes a variable to a value the record takes, an exit's reason; one open per kind.
    # Moved, settled and approved as the table and the stored state allow.
    "POST /api/v1/proposals/": {
        "household",
        "person",
        "kind",
        "changes",
        "exit_reason",
        "reason",
        "non_field_errors",
        *(f"changes.{name}" for name in (*PERSON_FIELDS, *HOUSEHOLD_FIELDS)),
    },
    "POST /api/v1/proposals/{id}/transition/": {"to", "note", "version", "non_field_errors"},
    "POST /api/v1/proposals/{id}/settle/": {"outcome", "desil", "reason", "version"},
    "POST /api/v1/proposal-batches/{id}/approve/": {"batch"},
    "POST /api/v1/proposal-batches/{id}/send/": {"batch"},
    # A letter: a kind in use, a person of the caller's area living there, what the kind's
    # layout needs (a desil, a programme of the kind's, a referral sent and not registered);
    # issued, revoked and discarded as the table, four eyes and the stored state allow.
    "POST /api/v1/letters/": {"kind", "person", "program", "referral"},
    "POST /api/v1/letters/{id}/issue/": {"status", "person", "program", "kind"},
    "POST /api/v1/letters/{id}/revoke/": {"status", "reason"},
    "POST /api/v1/letters/{id}/discard/": {"status"},
    "POST /api/v1/households/": REGISTRY_RULES,
    "PUT /api/v1/households/{id}/": REGISTRY_RULES,
    "PATCH /api/v1/households/{id}/": REGISTRY_RULES,
}


def schema_valid_requests_are_accepted(ctx, response, case):
    """Schemathesis' `positive_data_acceptance`, but for the refusals above."""
    try:
        return checks.positive_data_acceptance(ctx, response, case)
    except Failure as failure:
        if response.status_code == 400:
            try:
                fields = set(response.json())
            except ValueError:
                raise failure from None
            if fields and fields <= REFUSED_BY_STORED_DATA.get(case.operation.label, set()):
                return None
        raise


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    schema_valid_requests_are_accepted,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.allow_header_conformance,
    checks.use_after_free,
    checks.ensure_resource_availability,
    checks.ignored_auth,
]

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "database": "none"},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
        },
    }
)
HYPOTHESIS = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck)}


@pytest.fixture
def api_world(assessed, catalogue):
    """A registry with something in every state the API shows: a household with members, an
    assessed complaint referred to an agency (in the agency officer's area) with a document,
    a closed one."""
    complaint = assessed()
    (referral,) = referrals_create(
        actor=staff_user(Role.BACK_OFFICE, scope="52.72"),
        complaint=complaint,
        programs=[catalogue["PBI-JK"]],
    )
    document_upload(
        actor=staff_user(Role.FRONT_OFFICE, scope="52.72"),
        owner_type="complaint",
        owner_id=complaint.pk,
        kind_code="sktm",
        upload=SimpleUploadedFile("sktm.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    letter_draft(
        actor=staff_user(Role.BACK_OFFICE, scope="52.72"),
        kind=LetterKind.objects.get(code="suket_dtsen"),
        person=complaint.household.members.first(),
    )
    return referral


@pytest.fixture
def api_schema(api_world, keep_the_test_connection):
    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def tokens(api_world):
    """A token of each role, scoped to Kota Bima; the agency officer's agency is the one the
    referral went to. Made directly: how tokens are issued is tests/test_api_auth.py's."""
    agency = {Role.AGENCY_OFFICER: api_world.agency}
    users = {role: staff_user(role, scope="52.72", agency=agency.get(role)) for role in ROLES}
    visit_request(
        actor=staff_user(Role.BACK_OFFICE, scope="52.72"), household=api_world.household,
        reason="Verifikasi", assignee=users[Role.FACILITATOR],
    )  # fmt: skip
    return {role: Token.objects.create(user=user).key for role, user in users.items()}


def no_request_breaks_the_api_as(role: Role):
    @pytest.mark.django_db
    @schema.parametrize()
    @settings(**HYPOTHESIS)
    def test(case, tokens):
        case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)

    return test


# One test per role (schemathesis' lazily loaded schema takes no pytest parameters).
test_no_request_breaks_the_api_as_front_office = no_request_breaks_the_api_as(Role.FRONT_OFFICE)
test_no_request_breaks_the_api_as_back_office = no_request_breaks_the_api_as(Role.BACK_OFFICE)
test_no_request_breaks_the_api_as_agency_officer = no_request_breaks_the_api_as(Role.AGENCY_OFFICER)
test_no_request_breaks_the_api_as_supervisor = no_request_breaks_the_api_as(Role.SUPERVISOR)
test_no_request_breaks_the_api_as_facilitator = no_request_breaks_the_api_as(Role.FACILITATOR)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_no_sequence_of_requests_breaks_the_api(api_schema, tokens, role):
    headers = {"Authorization": f"Token {tokens[role]}"}

    class Sequences(api_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers)

    Sequences.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS, **HYPOTHESIS
        )
    )
