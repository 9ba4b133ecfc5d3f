"""Every database constraint (and unique field) a user's input can reach is checked before
anything is written, and answered at its field in Indonesian: on the page, the form shown
again with the field marked; in the API, 400 with messages by field. Never a server error,
never the constraint's name, nothing saved, and the database is never the one to refuse.

The cases are listed by constraint, and the constraints are read from the models' `_meta`:
one added without a case here (or a reason no user reaches it) fails."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.signals import request_started
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_register
from households.models import Household, Person
from households.services import household_register
from referrals.services import referrals_create
from slrt.constraints import violation_error
from tests.factories import ProposalFactory, UserFactory, staff_user
from tests.households.test_api import HEAD, NEW_HOUSEHOLD, SPOUSE
from tests.households.test_register import FAMILY_OF_FOUR, form_post

pytestmark = pytest.mark.usefixtures("kota_bima")

PROJECT_APPS = {
    app.label
    for app in apps.get_app_configs()
    if Path(app.path).is_relative_to(settings.BASE_DIR) and "site-packages" not in app.path
}


def project_models():
    """The project's models (not their history's copies, which keep no constraints)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
    ]


def constraints() -> dict[str, type]:
    """Every constraint by name, and every unique field as `Model.field`, with its model."""
    found = {}
    for model in project_models():
        for constraint in model._meta.constraints:
            found[constraint.name] = model
        for field in model._meta.fields:
            if field.unique and not field.primary_key:
                found[f"{model.__name__}.{field.name}"] = model
    return found


# --- what a user sends, and where the answer says what is wrong ---------------------------


@dataclass(frozen=True)
class Case:
    """How a user breaks the constraint on a page (`form`) and in the API (`api`): each is
    a function of the test's fixtures (`request`) returning the response and the messages
    shown at the field; None with the reason where that surface cannot send it."""

    form: Callable | None
    api: Callable | None
    expected_form: str = ""
    expected_api: str = ""
    no_form: str = ""
    no_api: str = ""


def front_office(request):
    client = request.getfixturevalue("client")
    client.force_login(staff_user(Role.FRONT_OFFICE, scope="52.72.01", username="fo-case"))
    return client


def registered_family():
    """A household registered earlier in the user's area: its KK number and NIK are taken."""
    household_register(
        actor=staff_user(Role.FRONT_OFFICE, scope="52.72.01", username="fo-earlier"),
        household={"kk_number": "5272011203150001", "region": "52.72.01.1001", "address": "A"},
        members=[{**HEAD, "birth_date": datetime.date(1978, 5, 12)}],
    )
    return Household.objects.get()


def household_page(request, *members, **fields):
    response = front_office(request).post(
        reverse("households:register"), form_post(*members, **fields)
    )
    return response, response.context["form"], response.context["formset"]


def household_api(request, user=None, **changes):
    client = request.getfixturevalue("client")
    client.force_login(user or staff_user(Role.FRONT_OFFICE, scope="52.72.01", username="fo-api"))
    body = {**NEW_HOUSEHOLD, **changes}
    return client.post(reverse("api:household-list"), body, content_type="application/json")


def member_field(index, field, **head):
    def on_page(request):
        response, _form, formset = household_page(
            request, {**FAMILY_OF_FOUR[0], **head}, *FAMILY_OF_FOUR[1:2]
        )
        return response, formset.forms[index].errors.get(field, [])

    return on_page


def member_field_api(index, field, **head):
    def in_api(request):
        response = household_api(request, members=[{**HEAD, **head}, SPOUSE])
        return response, response.json().get("members", {}).get(str(index), {}).get(field, [])

    return in_api


def two_heads_page(request):
    second = {**FAMILY_OF_FOUR[1], "relationship": "head"}
    response, _form, formset = household_page(request, FAMILY_OF_FOUR[0], second)
    return response, formset.forms[1].errors.get("relationship", [])


def two_heads_api(request):
    response = household_api(request, members=[HEAD, {**SPOUSE, "relationship": "head"}])
    return response, response.json()["members"]["1"]["relationship"]


def kk_page(kk_number):
    def on_page(request):
        response, form, _formset = household_page(request, FAMILY_OF_FOUR[0], kk_number=kk_number)
        return response, form.errors.get("kk_number", [])

    return on_page


def kk_api(kk_number):
    def in_api(request):
        response = household_api(request, kk_number=kk_number)
        return response, response.json().get("kk_number", [])

    return in_api


def registry_admin_api(field, value):
    def in_api(request):
        admin = staff_user(Role.ADMIN, scope="52.72.01", is_superuser=True)
        response = household_api(request, user=admin, **{field: value})
        return response, response.json().get(field, [])

    return in_api


def taken(make_case):
    """The same case after a household already holds the number (in the user's area)."""

    def run(request):
        registered_family()
        return make_case(request)

    return run


def taken_dtks_id(request):
    Household.objects.filter(pk=registered_family().pk).update(dtks_id="DTKS-1")
    return registry_admin_api("dtks_id", "DTKS-1")(request)


# complaints


def complainant_page(request):
    household = request.getfixturevalue("poor_household")
    response = front_office(request).post(
        reverse("complaints:create", args=[household.pk]),
        {"complainant": "", "complainant_name": " ", "channel": "walk_in", "urgency": "normal",
         "category": ComplaintCategory.objects.get(code="kesehatan-pbi").pk,
         "description": "KIS nonaktif"},
    )  # fmt: skip
    return response, response.context["form"].errors.get("complainant_name", [])


def complainant_api(request):
    household = request.getfixturevalue("poor_household")
    response = front_office(request).post(
        reverse("api:complaint-list"),
        {"household": household.pk, "complainant_name": "", "channel": "walk_in",
         "category": "kesehatan-pbi", "description": "KIS nonaktif"},
        content_type="application/json",
    )  # fmt: skip
    return response, response.json().get("complainant_name", [])


def complaint_contact_page(request):
    household = request.getfixturevalue("poor_household")
    response = front_office(request).post(
        reverse("complaints:create", args=[household.pk]),
        {"complainant": household.members.first().pk, "channel": "walk_in", "urgency": "normal",
         "category": ComplaintCategory.objects.get(code="kesehatan-pbi").pk,
         "description": "KIS nonaktif", "phone": "0812-3456-7890", "contact_channel": "sms"},
    )  # fmt: skip
    return response, response.context["form"].errors.get("contact_consent", [])


def complaint_contact_api(request):
    household = request.getfixturevalue("poor_household")
    response = front_office(request).post(
        reverse("api:complaint-list"),
        {"household": household.pk, "complainant_name": "Wati", "channel": "walk_in",
         "category": "kesehatan-pbi", "description": "KIS nonaktif", "phone": "081234567890",
         "contact_channel": "whatsapp", "contact_consent": False},
        content_type="application/json",
    )  # fmt: skip
    return response, response.json().get("contact_consent", [])


def back_office_client(request):
    client = request.getfixturevalue("client")
    client.force_login(request.getfixturevalue("back_office"))
    return client


def registered_complaint(request):
    household = request.getfixturevalue("poor_household")
    return complaint_register(
        actor=staff_user(Role.FRONT_OFFICE, scope="52.72.01", username="fo-complaint"),
        household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"),
        channel="walk_in",
        description="KIS nonaktif",
        complainant=household.members.first(),
    )


def close_page(request):
    complaint = registered_complaint(request)
    response = back_office_client(request).post(
        reverse("complaints:close", args=[complaint.pk]), {"closure_reason": "", "note": "Done"}
    )
    return response, response.context["close_form"].errors.get("closure_reason", [])


def close_api(request):
    complaint = registered_complaint(request)
    response = back_office_client(request).post(
        reverse("api:complaint-close", args=[complaint.pk]),
        {"closure_reason": "", "note": "Done"},
        content_type="application/json",
    )
    return response, response.json().get("closure_reason", [])


def needs_api(needs, pick):
    def in_api(request):
        complaint = registered_complaint(request)
        response = back_office_client(request).post(
            reverse("api:complaint-assessment", args=[complaint.pk]),
            {"needs": needs},
            content_type="application/json",
        )
        return response, pick(response.json())

    return in_api


def severity_page(request):
    complaint = registered_complaint(request)
    response = back_office_client(request).post(
        reverse("complaints:assess", args=[complaint.pk]),
        {"health__on": "on", "health__severity": "7"},
    )
    return response, response.context["assessment_form"].errors.get("health__severity", [])


# referrals


def referred_already(request):
    complaint = request.getfixturevalue("assessed")()
    catalogue = request.getfixturevalue("catalogue")
    referrals_create(
        actor=request.getfixturevalue("back_office"),
        complaint=complaint,
        programs=[catalogue["BPNT"]],
    )
    return complaint


def referral_page(request):
    complaint = referred_already(request)
    response = back_office_client(request).post(
        reverse("referrals:create", args=[complaint.pk]), {"program": ["BPNT"]}
    )
    return response, response.context["form"].errors.get("program", [])


def referral_api(request):
    complaint = referred_already(request)
    response = back_office_client(request).post(
        reverse("api:referral-list"),
        {"complaint": complaint.pk, "program": "BPNT"},
        content_type="application/json",
    )
    return response, response.json().get("program", [])


# proposals to the national registry: a second open one of the same kind


def proposed_already(request, kind: str):
    """A household of the user's area with an open proposal of `kind` (a new member's about
    its head)."""
    household = registered_family()
    head = household.members.get()
    ProposalFactory(household=household, kind=kind,
                    person=head if kind == "new_member" else None)  # fmt: skip
    return household, head


def proposal_page(kind: str, field: str):
    def on_page(request):
        household, head = proposed_already(request, kind)
        data = {"kind": kind, "person": head.pk if kind == "new_member" else ""}
        response = front_office(request).post(reverse("proposals:create", args=[household.pk]),
                                              data)  # fmt: skip
        return response, response.context["form"].errors.get(field, [])

    return on_page


def proposal_api(kind: str, field: str):
    def in_api(request):
        household, head = proposed_already(request, kind)
        body = {"kind": kind, "household": household.pk}
        if kind == "new_member":
            body["person"] = head.pk
        response = front_office(request).post(reverse("api:proposal-list"), body,
                                              content_type="application/json")  # fmt: skip
        return response, response.json().get(field, [])

    return in_api


# the admin (superusers), for what only the admin writes


def admin_page(name, field, data, *, existing=None, change=None):
    """The admin's add page (or change page of `change`) of the model of constraint `name`,
    sent by a superuser with `data` and what `existing(request)` made to collide with."""

    def on_page(request):
        model = constraints()[name]
        client = request.getfixturevalue("client")
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        values = existing(request) if existing else {}
        opts = model._meta
        if change:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[change])
        else:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        response = client.post(url, {**data, **values})
        return response, response.context["adminform"].form.errors.get(field, [])

    return on_page


def an_enrolment(request):
    from programs.models import Enrollment

    household = request.getfixturevalue("poor_household")
    program = request.getfixturevalue("catalogue")["BPNT"]
    Enrollment.objects.create(household=household, program=program)
    return {"household": household.pk, "program": program.pk}


def an_agency(request):
    from tests.factories import AgencyFactory

    return {"name": AgencyFactory().name}


def a_programme(request):
    program = request.getfixturevalue("catalogue")["BPNT"]
    return {"code": program.code, "agency": program.agency_id}


def a_staff_profile(request):
    return {"user": staff_user(Role.FRONT_OFFICE, scope="52.72.01").pk}


def an_office(request):
    from accounts.demo import seed_office

    return {"region": seed_office().region_id}


ADMIN_ONLY = "only the admin writes it; the API does not"

NO_CONTACT_CONSENT = "Catat persetujuan warga untuk dihubungi, atau pilih “jangan dihubungi”."
HOUSEHOLD_PROPOSED = "Rumah tangga ini sudah memiliki usulan jenis ini yang masih berjalan."

CASES: dict[str, Case] = {
    "proposal_one_open_per_person_kind": Case(
        form=proposal_page("new_member", "person"),
        api=proposal_api("new_member", "person"),
        expected_form="Anggota ini sudah memiliki usulan jenis ini yang masih berjalan.",
        expected_api="Anggota ini sudah memiliki usulan jenis ini yang masih berjalan.",
    ),
    "proposal_one_open_per_household_kind": Case(
        form=proposal_page("new_household", "kind"),
        api=proposal_api("new_household", "kind"),
        expected_form=HOUSEHOLD_PROPOSED,
        expected_api=HOUSEHOLD_PROPOSED,
    ),
    "household_kk_16_digits": Case(
        form=kk_page("527201120315000"),
        expected_form="Nomor KK terdiri dari 16 angka.",
        api=kk_api("527201120315000"),
        expected_api="Nomor KK harus 16 digit angka (yang diisi 15 karakter).",
    ),
    "person_nik_16_digits": Case(
        form=member_field(0, "nik", nik="527201120578000"),
        expected_form="NIK terdiri dari 16 angka.",
        api=member_field_api(0, "nik", nik="527201120578000"),
        expected_api="NIK harus 16 digit angka (yang diisi 15 karakter).",
    ),
    "person_pregnant_is_female": Case(
        form=member_field(0, "is_pregnant", is_pregnant="on"),
        expected_form="Hanya perempuan yang dapat dicatat hamil.",
        api=member_field_api(0, "is_pregnant", is_pregnant=True),
        expected_api="Hanya perempuan yang dapat dicatat hamil.",
    ),
    "person_contact_with_phone_and_consent": Case(
        form=member_field(0, "contact_consent", phone="0812-3456-7890", contact_channel="sms"),
        expected_form=NO_CONTACT_CONSENT,
        api=member_field_api(0, "contact_consent", phone="081234567890", contact_channel="sms"),
        expected_api=NO_CONTACT_CONSENT,
    ),
    "complaint_contact_with_phone_and_consent": Case(
        form=complaint_contact_page,
        expected_form=NO_CONTACT_CONSENT,
        api=complaint_contact_api,
        expected_api=NO_CONTACT_CONSENT,
    ),
    "one_head_per_household": Case(
        form=two_heads_page,
        expected_form="Satu rumah tangga hanya punya satu kepala keluarga.",
        api=two_heads_api,
        expected_api="Satu rumah tangga hanya punya satu kepala keluarga.",
    ),
    "Person.nik": Case(
        form=taken(member_field(0, "nik")),
        api=taken(member_field_api(0, "nik")),
        expected_form="NIK ini sudah terdaftar di wilayah Anda, pada rumah tangga",
        expected_api="NIK ini sudah terdaftar di wilayah Anda, pada rumah tangga",
    ),
    "Household.kk_number": Case(
        form=taken(kk_page("5272011203150001")),
        api=taken(kk_api("5272011203150001")),
        expected_form="Nomor KK ini sudah terdaftar di wilayah Anda, pada rumah tangga",
        expected_api="Nomor KK ini sudah terdaftar di wilayah Anda, pada rumah tangga",
    ),
    "Household.dtks_id": Case(
        form=None,
        no_form="the page has no registry ID: the import and administrators (API) set it",
        api=taken_dtks_id,
        expected_api="ID DTKS/DTSEN ini sudah terdaftar di wilayah Anda, pada rumah tangga",
    ),
    "household_desil_1_to_10": Case(
        form=None,
        no_form="the page has no decile: the import and administrators (API) set it",
        api=registry_admin_api("desil", 11),
        expected_api="Isi bidang ini harus kurang atau sama dengan 10.",
    ),
    "complaint_has_complainant": Case(
        form=complainant_page,
        api=complainant_api,
        expected_form="Pilih anggota atau tulis nama pengadu.",
        expected_api="Pilih anggota atau tulis nama pengadu.",
    ),
    "complaint_closed_has_reason": Case(
        form=close_page,
        api=close_api,
        expected_form="Bidang ini harus diisi.",
        expected_api='"" tidak ada dalam daftar pilihan.',
    ),
    "one_need_per_domain": Case(
        form=None,
        no_form="the page has one row per domain: it cannot list one twice",
        api=needs_api(
            [{"domain": "health", "severity": 2}, {"domain": "health", "severity": 1}],
            lambda body: body.get("needs", []),
        ),
        expected_api="Kebutuhan 2: bidang ini tercantum dua kali.",
    ),
    "need_severity_1_to_3": Case(
        form=severity_page,
        expected_form="Masukkan pilihan yang valid. 7 bukan salah satu dari pilihan yang tersedia.",
        api=needs_api(
            [{"domain": "health", "severity": 7}],
            lambda body: body.get("needs", {}).get("0", {}).get("severity", []),
        ),
        expected_api="Isi bidang ini harus kurang atau sama dengan 3.",
    ),
    "one_open_referral_per_programme": Case(
        form=referral_page,
        api=referral_api,
        expected_form="BPNT",
        expected_api="BPNT",
    ),
    "one_enrollment_per_programme": Case(
        form=admin_page(
            "one_enrollment_per_programme", "program", {"is_active": "on"}, existing=an_enrolment
        ),
        expected_form="Rumah tangga ini sudah menjadi peserta program ini.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
    "DocumentKind.code": Case(
        form=admin_page(
            "DocumentKind.code",
            "code",
            {"name": "KTP lagi", "ordering": "10", "is_active": "on"},
            existing=lambda request: {"code": "ktp"},  # seeded
        ),
        expected_form="telah ada.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
    "LetterKind.code": Case(
        form=admin_page(
            "LetterKind.code",
            "code",
            {
                "code": "suket_dtsen",
                "name": "Surat keterangan lain",
                "layout": "registry",
                "active": "on",
            },
        ),
        expected_form="telah ada.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
    "Agency.name": Case(
        form=admin_page(
            "Agency.name",
            "name",
            {"level": "municipal", "region": "52.72", "is_active": "on"},
            existing=an_agency,
        ),
        expected_form="telah ada.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
    "Program.code": Case(
        form=admin_page(
            "Program.code",
            "code",
            {
                "name": "Baru",
                "level": "municipal",
                "domains": '["food"]',
                "rule": '{"all": []}',
                "response_days": "3",
                "resolution_days": "30",
                "is_active": "on",
            },
            existing=a_programme,
        ),
        expected_form="telah ada.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
    "ComplaintCategory.code": Case(
        form=admin_page(
            "ComplaintCategory.code",
            "code",
            {
                "code": "kesehatan-pbi",
                "name": "Baru",
                "resolution_days": "14",
                "sort_order": "0",
                "is_active": "on",
            },
        ),
        expected_form="telah ada.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
    "StaffProfile.user": Case(
        form=admin_page("StaffProfile.user", "user", {}, existing=a_staff_profile),
        expected_form="telah ada.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
    "Office.region": Case(
        form=admin_page(
            "Office.region",
            "region",
            {"name": "Kantor kedua", "address": "Jalan Baru 1", "head_name": "Kepala"},
            existing=an_office,
        ),
        expected_form="telah ada.",
        api=None,
        no_api=ADMIN_ONLY,
    ),
}

# Constraints that no input reaches, and why.
UNREACHABLE = {
    "survey_scores_1_to_4": "the survey form offers 1–4 only and survey_answer checks each "
    "answer before saving",
    "survey_answered_whole": "survey_answer refuses a missing answer and writes all nine, "
    "the time and the way at once",
    "SatisfactionSurvey.token": "a random token survey_for gives (secrets.token_urlsafe)",
    "SatisfactionSurvey.complaint": "survey_for gets or creates the complaint's one survey",
    "duplicate_pair_once": "duplicate_dismiss records a pair with get_or_create",
    "duplicate_pair_ordered": "duplicate_dismiss puts the lower id first",
    "ticket_counter_once": "next_ticket_number upserts the counter row",
    "Complaint.ticket_number": "next_ticket_number gives it; no one types it",
    "Assessment.complaint": "complaint_assess replaces the assessment, the complaint locked",
    "Dispatch.idempotency_key": "a random UUID the outbox gives each message, or one its event "
    "names, written once (outbox.services.dispatch_write_once checks and takes a savepoint)",
    "referral_sequence_per_complaint": "referrals_create numbers them, the complaint locked",
    "region_level_range": "load_regions writes the level its code gives; the admin shows it only",
    "visit_finding_once": "visit_findings_make writes one row per variable, once per submission",
    "visit_reminder_once": "the visits' SLA sweep claims each reminder with it and sends nothing"
    " when it holds",
    "person_status_dated": "person_record_death and person_move_out (households.lifecycle) "
    "refuse a missing or future date at `date` before they set the status; the pages' date "
    "field is required",
    "one_pending_transfer_per_person": "person_transfer_request refuses a second waiting "
    "transfer first (at `nik`), the person locked",
    "objection_escalated_once": "objection_sla_sweep claims each escalation with it and sends"
    " nothing when it holds",
    "InclusionErrorFlag.household": "an upheld objection writes the flag with update_or_create",
    "proposal_batch_once_per_village_month": "batch_for gets or creates the village's batch",
    "ReactivationRecord.referral": "reactivation_record updates the referral's one record, the "
    "referral locked",
    "letter_number_once_per_office": "letter_issue writes it from the office's locked "
    "counter's next serial; no one types it",
    "Letter.token": "a random token letter_issue gives (secrets)",
    "letter_counter_once_per_office_year": "letter_issue gets or creates the office's counter "
    "row for the year, locked",
    "letter_serial_once_per_office_year": "letter_issue takes the next serial from the locked "
    "counter",
    "letter_one_live_per_referral_and_kind": "letter_draft refuses a second live letter of one "
    "kind for a referral at `referral` before it saves; one drafted at the same instant is "
    "refused there too (tests/referrals/test_reactivation.py)",
    "letter_issued_has_number_and_token": "letter_issue writes the number and the token with "
    "the status, in one save",
    "reactivation_refusal_has_reason": "reactivation_record refuses a refusal without its reason "
    "at `refusal_reason` before it saves",
}


@pytest.mark.parametrize("name", sorted(constraints()))
def test_every_constraint_has_a_case(name):
    assert name in CASES or name in UNREACHABLE, f"{name}: add a case (or say who cannot reach it)"


def test_a_constraints_message_is_shown_at_a_field_it_names():
    """So that a form without that field leaves the constraint to the service, rather than
    being told of an error at a field it does not have."""
    for model in project_models():
        for name, field in getattr(model, "constraint_fields", {}).items():
            (constraint,) = [c for c in model._meta.constraints if c.name == name]
            condition = constraint.condition or Q()
            named = {*getattr(constraint, "fields", ()), *condition.referenced_base_fields}
            assert field in named, f"{name} is shown at {field}, which it does not name"


def test_every_case_is_a_constraint():
    assert set(CASES) | set(UNREACHABLE) <= set(constraints())


@pytest.fixture
def database_refusals():
    """The integrity errors the database raised during the test."""
    refused: list[IntegrityError] = []

    def watch(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except IntegrityError as error:
            refused.append(error)
            raise

    with connection.execute_wrapper(watch):
        yield refused


def saved_rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in project_models()
        if model._meta.label != "accounts.AccessLog"  # the identifier checks are logged
    }


@pytest.fixture
def rows_at_request():
    """The rows saved when the (last) request started: the case's data made, nothing of
    the refused request yet."""
    seen: dict = {}

    def snapshot(**kwargs):
        seen.update(saved_rows())

    request_started.connect(snapshot)
    yield seen
    request_started.disconnect(snapshot)


SURFACES = [(name, surface) for name in sorted(CASES) for surface in ("form", "api")]


@pytest.mark.parametrize(("name", "surface"), SURFACES)
def test_a_broken_constraint_is_refused_at_its_field_in_indonesian(
    request, database_refusals, rows_at_request, name, surface
):
    case = CASES[name]
    send = case.form if surface == "form" else case.api
    if send is None:
        assert case.no_form if surface == "form" else case.no_api, "say why it cannot be sent"
        return

    response, messages = send(request)

    expected = case.expected_form if surface == "form" else case.expected_api
    page = response.content.decode()
    assert response.status_code in ((200, 400) if surface == "form" else (400,)), page[:500]
    assert any(expected in str(message) for message in messages), (messages, page[:2000])
    assert name not in page
    assert "Batasan" not in page and "onstraint" not in page
    assert database_refusals == [], "the database refused what validation should have"
    assert saved_rows() == rows_at_request


# --- the last resort: a concurrent save got there first -------------------------------------


def refused_by_the_database(make) -> IntegrityError:
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        make()
    return raised.value


@pytest.mark.parametrize(
    ("person", "field", "message"),
    [
        ({"nik": "527201120578000"}, "nik", "NIK terdiri dari 16 angka."),
        ({"nik": "5272011205780001"}, "nik", "NIK ini sudah terdaftar; hubungi supervisor"),
        ({"relationship": "head"}, "relationship", "Satu rumah tangga hanya punya satu kepala"),
    ],
)
def test_the_databases_refusal_is_told_as_the_constraints_field_message(person, field, message):
    household = registered_family()

    refused = refused_by_the_database(
        lambda: Person.objects.create(
            household=household,
            name="Baru",
            sex="F",
            birth_date=datetime.date(1990, 1, 1),
            **{"relationship": "child", **person},
        )
    )

    model, error = violation_error(refused)
    assert model is Person
    assert list(error.message_dict) == [field]
    assert message in error.message_dict[field][0]


def test_an_integrity_error_of_no_known_constraint_is_not_hidden():
    household = registered_family()

    refused = refused_by_the_database(
        lambda: Household.objects.filter(pk=household.pk).update(address=None)
    )

    assert violation_error(refused) is None


@pytest.fixture
def validation_missed(monkeypatch):
    """Validation passed, then a concurrent save took the number: as if unchecked."""
    monkeypatch.setattr("households.services.validate_household_input", lambda **kwargs: None)


def test_a_nik_taken_meanwhile_is_refused_on_the_members_in_the_api(request, validation_missed):
    registered_family()

    response = household_api(request, kk_number="5272011203150002")

    assert response.status_code == 400
    assert response.json() == {
        "members": ["NIK ini sudah terdaftar; hubungi supervisor untuk memindahkan data"]
    }
    assert Household.objects.count() == 1


def test_a_nik_taken_meanwhile_is_refused_on_the_members_on_the_page(request, validation_missed):
    registered_family()

    response, _form, formset = household_page(
        request, FAMILY_OF_FOUR[0], kk_number="5272011203150002"
    )

    assert response.status_code == 400
    assert formset.non_form_errors() == [
        "NIK ini sudah terdaftar; hubungi supervisor untuk memindahkan data"
    ]
    assert Household.objects.count() == 1
