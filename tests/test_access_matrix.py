"""Who may open what: every URL of the project × every role × an object inside and outside
the user's working area (and, for agency officers, their agency's referral and another's).

The table below is the policy, written from the roles and working areas the README
describes, not read from the code. The URL conf is enumerated: a new URL without a line
here fails `test_every_url_has_a_rule`.
Everyone here works in district Rasanae Barat (52.72.01); the "outside" objects live in
Rasanae Timur (52.72.02), and their identifying text must never appear in an answer to
someone who may not see them, error pages included. The agency officers work for all of
Kota Bima (52.72), so that their agency is what tells them apart; two more officers of the
inside referral's agency work in Rasanae Timur and in Kota Mataram (52.71), and reach none
of it: an agency officer sees their agency's referrals of their own area only.
Facilitators read the households of their area and nothing of their complaints: one works
in Rasanae Barat, another in Rasanae Timur (whose "inside" is the outside household). The
village operator works for the inside village, and reaches no household data yet.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_assess, complaint_register
from documents.services import document_upload
from households.models import Household, RegistryImport
from letters.models import Letter, LetterBatch, LetterKind
from outbox.models import Dispatch
from programs.models import Program, ScreeningRun
from proposals.models import Objection, ProposalBatch
from referrals.services import referrals_create
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, ProposalFactory, staff_user
from visits.models import Visit, VisitFinding
from visits.services import visit_request

OFFICE = {"front_office", "back_office", "supervisor", "admin"}  # the registry's roles
# the inside referral's agency (Kota Bima), the outside one's (Kota Bima), the inside one's
# again but working in the outside district, and in another city
AGENCY = {"agency_officer", "other_agency", "agency_elsewhere", "agency_other_city"}
FACILITATORS = {"facilitator", "facilitator_elsewhere"}  # in Rasanae Barat, in Rasanae Timur
VILLAGE = {"village_operator"}  # of Paruga, in Rasanae Barat
COORDINATOR = {"coordinator"}  # decides referrals (penetapan) of Rasanae Barat
DECIDERS = {"supervisor"} | COORDINATOR  # hold `referrals.decide_referral`
READERS = OFFICE | FACILITATORS | VILLAGE  # who read the households of their area
# who propose households of their area to the national registry
PROPOSERS = {"front_office", "back_office", "supervisor", "village_operator"} | FACILITATORS
STAFF = OFFICE | AGENCY | FACILITATORS | VILLAGE | COORDINATOR | {"no_role"}  # signed in
EVERYONE = STAFF | {"anonymous"}


@dataclass(frozen=True)
class Rule:
    """Who may use a URL. `obj` names the object its arguments point at; `agency` lets the
    agency officers reach their own agency's referral (and only that)."""

    roles: frozenset
    obj: str | None = None
    method: str = "get"
    agency: bool = False
    api: bool = False
    kwargs: dict = field(default_factory=dict)


def rule(roles, obj=None, **options) -> Rule:
    return Rule(frozenset(roles), obj, **options)


RULES = {
    # public
    "accounts:login": rule(EVERYONE),
    "healthz": rule(EVERYONE),
    "public_status": rule(EVERYONE),
    "api:status": rule(EVERYONE, method="post", api=True),  # the status check's API
    # the resident's satisfaction survey, by its link's token (any token: one neutral answer)
    "survey_public": rule(EVERYONE, kwargs={"token": "x" * 22}),
    "letter_check": rule(EVERYONE, kwargs={"token": "x" * 32}),  # a letter's public check
    "api:letter-verify": rule(EVERYONE, api=True, kwargs={"token": "x" * 32}),
    "favicon.ico": rule(EVERYONE),
    "set_language": rule(EVERYONE, method="post"),
    "regions:region_picker": rule(EVERYONE),  # region names only, within the user's area
    "api:auth-token": rule(EVERYONE, method="post", api=True),
    "api-schema": rule(EVERYONE, api=True),
    "api-not-found": rule(EVERYONE, api=True),  # any other /api/ URL: JSON 404 to everyone
    # any signed-in user
    "home": rule(STAFF),
    "accounts:logout": rule(STAFF, method="post"),
    "accounts:two_factor": rule(STAFF),
    "api:me": rule(STAFF, api=True),
    "api:api-root": rule(STAFF, api=True),
    # the registry
    "households:search": rule(READERS),
    "households:detail": rule(READERS, "household"),
    "households:register": rule({"front_office", "back_office"}),
    "households:edit": rule({"front_office", "back_office"}, "household"),
    "households:duplicates": rule(OFFICE),
    "households:duplicate_review": rule(OFFICE, "pair"),
    # the registry: people and households that change (recorded by the office, transfers
    # between areas decided by a supervisor covering both)
    "households:record_death": rule({"front_office", "back_office", "supervisor"}, "household"),
    "households:record_move_out": rule({"front_office", "back_office", "supervisor"}, "household"),
    "households:split": rule({"front_office", "back_office", "supervisor"}, "household"),
    "households:merge": rule({"front_office", "back_office", "supervisor"}, "household"),
    "households:dissolve": rule({"front_office", "back_office", "supervisor"}, "household"),
    "households:transfer_request": rule({"front_office", "back_office", "supervisor"}, "household"),
    "households:transfers": rule({"supervisor"}),
    "api:household-list": rule(READERS, api=True),
    "api:household-detail": rule(READERS, "household", api=True),
    # complaints
    "complaints:queue": rule(OFFICE),
    "complaints:create": rule({"front_office", "back_office"}, "household_pk"),
    "complaints:detail": rule(OFFICE, "complaint"),
    "complaints:receipt": rule(OFFICE, "complaint"),
    "complaints:consent": rule({"front_office", "back_office"}, "complaint", method="post"),
    "complaints:assess": rule({"back_office", "supervisor"}, "complaint", method="post"),
    "complaints:assign": rule({"back_office", "supervisor"}, "complaint", method="post"),
    "complaints:close": rule({"back_office", "supervisor"}, "complaint"),  # GET: confirm
    # the satisfaction survey at the desk (of an open complaint: "opens when closed")
    "complaints:survey": rule({"front_office", "back_office"}, "complaint"),
    "api:complaint-list": rule(OFFICE, api=True),
    "api:complaint-detail": rule(OFFICE, "complaint", api=True),
    "api:complaint-matches": rule(OFFICE, "complaint", api=True),
    "api:complaint-assessment": rule(
        {"back_office", "supervisor"}, "complaint", method="post", api=True
    ),
    "api:complaint-close": rule(
        {"back_office", "supervisor"}, "complaint", method="post", api=True
    ),
    # documents: the registry's roles, within their area (uploads: to a record they reach)
    "documents:upload": rule(OFFICE, "household", kwargs={"owner_type": "household"}),
    "documents:download": rule(OFFICE, "document"),
    "documents:thumbnail": rule(OFFICE, "document"),
    # GET without its owner: 400 to those who read documents: the office, the agencies (their
    # referrals' files), the facilitators (their visits' photos) and the village operators
    # (their village's proposals, objections and batch minutes)
    "api:document-list": rule(OFFICE | AGENCY | FACILITATORS | VILLAGE, api=True),
    "api:document-detail": rule(OFFICE, "document", api=True),
    "api:document-download": rule(OFFICE, "document", api=True),
    # programmes
    "households:imports": rule({"supervisor", "admin"}),
    "households:import_detail": rule({"supervisor", "admin"}, "import"),
    "households:import_errors": rule({"supervisor", "admin"}, "import"),
    "households:import_run_again": rule({"supervisor", "admin"}, "import", method="post"),
    "programs:screening": rule({"supervisor", "admin"}),
    "programs:screening_detail": rule({"supervisor", "admin"}, "run"),
    "programs:screening_download": rule({"supervisor", "admin"}, "run"),
    "programs:screening_run_again": rule({"supervisor", "admin"}, "run", method="post"),
    "api:program-list": rule(OFFICE | AGENCY | FACILITATORS, api=True),
    "api:program-detail": rule(OFFICE | AGENCY | FACILITATORS, api=True, kwargs={"code": "BPNT"}),
    # referrals
    "referrals:list": rule(OFFICE | AGENCY | COORDINATOR),
    "referrals:create": rule({"back_office"}, "complaint_pk"),
    "referrals:detail": rule(OFFICE | COORDINATOR, "referral", agency=True),
    "referrals:letter": rule(OFFICE | COORDINATOR, "referral", agency=True),
    # the decision before sending (penetapan): the approvers, within their area
    "referrals:decisions": rule(DECIDERS),
    "referrals:decide": rule(DECIDERS, "referral", method="post"),
    "api:referral-decision": rule(DECIDERS, "referral", method="post", api=True),
    # the PBI-JK reactivation record: the back office of the area
    "referrals:reactivation": rule({"back_office"}, "referral", method="post"),
    "referrals:transition": rule({"back_office"}, "referral", method="post", agency=True),
    "referrals:confirm": rule(
        {"back_office"}, "referral", agency=True, kwargs={"move": "completed"}
    ),
    # only the officers of the agency the referral is with ask for a document of its file
    "referrals:request_document": rule(set(), "referral", method="post", agency=True),
    "outbox:failed": rule({"supervisor", "admin"}),
    "outbox:retry": rule({"supervisor", "admin"}, "dispatch", method="post"),
    "api:referral-list": rule(OFFICE | AGENCY | COORDINATOR, api=True),
    "api:referral-detail": rule(OFFICE | COORDINATOR, "referral", agency=True, api=True),
    "api:referral-transition": rule(
        {"back_office"}, "referral", method="post", agency=True, api=True
    ),
    # home visits: asked for, assigned and sent (the open visit is the inside facilitator's)
    "visits:queue": rule(OFFICE | FACILITATORS),
    "visits:request": rule({"front_office", "back_office", "supervisor"}, "household_pk"),
    "visits:detail": rule(OFFICE | {"facilitator"}, "open_visit"),
    "visits:assign": rule({"back_office", "supervisor"}, "open_visit", method="post"),
    "visits:cancel": rule({"back_office", "supervisor"}, "open_visit", method="post"),
    "visits:submit": rule({"facilitator"}, "open_visit"),
    "api:visit-list": rule(OFFICE | FACILITATORS, api=True),
    "api:visit-detail": rule(OFFICE | {"facilitator"}, "open_visit", api=True),
    "api:visit-submit": rule({"facilitator"}, "open_visit", method="post", api=True),
    # home visits: their review and verification sheet
    "visits:review": rule(OFFICE, "visit"),
    "visits:sheet": rule(OFFICE, "visit"),
    "visits:finding_decide": rule({"back_office", "supervisor"}, "finding", method="post"),
    "visits:review_finish": rule({"back_office", "supervisor"}, "visit", method="post"),
    "api:referral-request-document": rule(set(), "referral", method="post", agency=True, api=True),
    # objections: the registry's roles and the village operator, within their area; the
    # back office and supervisors decide
    "proposals:objection_list": rule(OFFICE | VILLAGE),
    "proposals:objection_create": rule(
        {"front_office", "back_office", "supervisor", "village_operator"}, "household_pk"
    ),
    "proposals:objection_detail": rule(OFFICE | VILLAGE, "objection"),
    "proposals:objection_decide": rule({"back_office", "supervisor"}, "objection", method="post"),
    "api:objection-list": rule(OFFICE | VILLAGE, api=True),
    "api:objection-detail": rule(OFFICE | VILLAGE, "objection", api=True),
    "api:objection-decide": rule(
        {"back_office", "supervisor"}, "objection", method="post", api=True
    ),
    # proposals: the registry's answer by hand, and those it leaves unanswered
    "proposals:settle": rule({"supervisor"}, "sent_proposal"),
    "proposals:follow_up": rule({"supervisor", "back_office"}),
    "api:proposal-settle": rule({"supervisor"}, "sent_proposal", method="post", api=True),
    # proposals: the list, opening one, its page, its moves and its home visit; the API
    "proposals:list": rule(OFFICE | FACILITATORS | VILLAGE),
    "proposals:create": rule(PROPOSERS, "household_pk"),
    "proposals:detail": rule(OFFICE | VILLAGE, "proposal"),
    "proposals:transition": rule(PROPOSERS - FACILITATORS, "proposal", method="post"),
    "proposals:visit_request": rule(
        {"front_office", "back_office", "supervisor"}, "proposal", method="post"
    ),
    "api:proposal-list": rule(OFFICE | FACILITATORS | VILLAGE, api=True),
    "api:proposal-detail": rule(OFFICE | VILLAGE, "proposal", api=True),
    "api:proposal-transition": rule(OFFICE | VILLAGE, "proposal", method="post", api=True),
    # proposals: the monthly batches, their approval, sending and BNBA
    "proposals:batch_list": rule(OFFICE | VILLAGE),
    "proposals:batch_detail": rule(OFFICE | VILLAGE, "batch"),
    "proposals:batch_approve": rule({"supervisor"}, "batch", method="post"),
    "proposals:batch_send": rule({"supervisor"}, "batch", method="post"),
    "proposals:batch_bnba": rule({"supervisor"}, "batch"),
    "api:proposal-batch-list": rule(OFFICE | VILLAGE, api=True),
    "api:proposal-batch-detail": rule(OFFICE | VILLAGE, "batch", api=True),
    "api:proposal-batch-approve": rule({"supervisor"}, "batch", method="post", api=True),
    "api:proposal-batch-send": rule({"supervisor"}, "batch", method="post", api=True),
    # the letter register: the registry's roles read the letters of their area; the desk
    # drafts and discards them; the head of office (supervisor) issues and revokes them
    "letters:list": rule(OFFICE),
    "letters:create": rule({"front_office", "back_office", "supervisor"}),
    "letters:detail": rule(OFFICE, "letter"),
    "letters:print": rule(OFFICE, "letter"),
    "letters:issue": rule({"supervisor"}, "letter", method="post"),
    "letters:revoke": rule({"supervisor"}, "letter", method="post"),
    "letters:discard": rule({"front_office", "back_office", "supervisor"}, "letter", method="post"),
    "letters:batch_create": rule({"supervisor"}, method="post"),
    "letters:batch_detail": rule(OFFICE, "letter_batch"),
    "letters:batch_print": rule(OFFICE, "letter_batch"),
    "letters:batch_run_again": rule({"supervisor"}, "letter_batch", method="post"),
    "api:letter-list": rule(OFFICE, api=True),
    "api:letter-detail": rule(OFFICE, "letter", api=True),
    "api:letter-issue": rule({"supervisor"}, "letter", method="post", api=True),
    "api:letter-revoke": rule({"supervisor"}, "letter", method="post", api=True),
    "api:letter-discard": rule(
        {"front_office", "back_office", "supervisor"}, "letter", method="post", api=True
    ),
    # supervision
    "reports:dashboard": rule({"supervisor", "admin"}),
    "reports:monthly": rule({"supervisor", "admin"}),
    "reports:export": rule({"supervisor", "admin"}, kwargs={"kind": "referrals"}),
    "reports:person_data": rule({"supervisor", "admin"}),
    "accounts:access_log": rule({"supervisor", "admin"}),
}


def url_names() -> set[str]:
    """Every URL of the project by its name (its route when it has none), the admin aside:
    it is Django's, kept to staff by `is_staff` and to their area by `get_queryset`."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)

    return set(walk(get_resolver().url_patterns))


def test_every_url_has_a_rule():
    assert url_names() - set(RULES) == set(), "add the new URLs to RULES"
    assert set(RULES) - url_names() == set(), "RULES names URLs that no longer exist"


# --- the world the matrix runs in ---------------------------------------------------------


def _photo() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


PHOTO = _photo()


def household_with_head(region: str, kk: str, name: str, address: str):
    household = HouseholdFactory(region_id=region, kk_number=kk, address=address)
    PersonFactory(household=household, name=name, relationship="head")
    return household


@pytest.fixture
def world(catalogue):
    """In Rasanae Barat (inside), and in Rasanae Timur (outside): a household with a head,
    an assessed complaint referred to one programme (BPNT inside, PIP outside, so that each
    goes to another agency), a failed message, a screening run, a registry import, a pair
    of possible duplicates and a submitted home visit with one difference to decide."""
    bpnt, pip = Program.objects.get(code="BPNT"), Program.objects.get(code="PIP")
    assert bpnt.agency_id != pip.agency_id
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    objects, markers, facilitators = {}, {}, {}
    for side, district, village, program in [
        ("inside", "52.72.01", "52.72.01.1001", bpnt),
        ("outside", "52.72.02", "52.72.02.1008", pip),
    ]:
        kk = "5272011203150001" if side == "inside" else "5272021910160003"
        head_name = "Rahmat Hidayat" if side == "inside" else "Bambang Suryadi"
        address = f"Jalan {side.capitalize()} Nomor 7"
        household = household_with_head(village, kk, head_name, address)
        front, back = (
            staff_user(Role.FRONT_OFFICE, district),
            staff_user(Role.BACK_OFFICE, district),
        )
        complaint = complaint_register(
            actor=front, household=household,
            category=ComplaintCategory.objects.get(code="kesehatan-pbi"), channel="walk_in",
            description=f"Keluhan {side}", complainant=household.members.get(),
            consent_given=True,
        )  # fmt: skip
        complaint = complaint_assess(actor=back, complaint=complaint,
                         needs=[{"domain": d, "severity": 2, "notes": ""}
                                for d in ("food", "education")])  # fmt: skip
        (referral,) = referrals_create(
            actor=back, complaint=complaint, programs=[program], notes="Mohon dibantu."
        )
        dispatch = Dispatch.objects.create(
            topic="referral",
            subject_id=referral.pk,
            kind="referral",
            channel="email",
            status="failed",
        )
        run = ScreeningRun.objects.create(
            program=bpnt,
            region_id=district,
            requested_by=staff_user(Role.SUPERVISOR, district),
            status=ScreeningRun.Status.DONE,
            screened_on=datetime.date(2026, 11, 30),
            findings_csv=f"household_id\n{household.pk}\n",
        )
        registry_import = RegistryImport.objects.create(
            area_id=district, file_name=f"dtks-{side}.csv", file_size=1,
            status=RegistryImport.Status.DONE, progress_total=1, rows_refused=1,
        )  # fmt: skip
        registry_import.error_report.save(
            "errors.csv", ContentFile(f"line,column,message\n2,kk_number,{kk}\n".encode())
        )
        born = datetime.date(1990, 1, 1)
        twins = [
            PersonFactory(household=HouseholdFactory(region_id=village, kk_number=None),
                          name=f"Nur {side}", birth_date=born, sex="F")
            for _ in range(2)
        ]  # fmt: skip
        facilitators[side] = staff_user(Role.FACILITATOR, district)
        open_visit = visit_request(actor=back, household=household, reason=f"Kunjungan {side}",
                                   complaint=complaint, assignee=facilitators[side])  # fmt: skip
        visit = Visit.objects.create(
            household=household, reason=f"Kunjungan {side}", due=datetime.date(2026, 12, 1),
            status=Visit.Status.SUBMITTED, requested_by=back,
            assignee=staff_user(Role.FACILITATOR, district), observed={"floor_material": 3},
            verdict=Visit.Verdict.LAYAK,
        )  # fmt: skip
        finding = VisitFinding.objects.create(
            visit=visit, field="floor_material", recorded=None, observed=3
        )
        photo = document_upload(
            actor=front, owner_type="household", owner_id=household.pk, kind_code="foto_depan",
            upload=SimpleUploadedFile("rumah.jpg", PHOTO, content_type="image/jpeg"),
        )  # fmt: skip
        sent_proposal = ProposalFactory(household=household, status="sent", created_by=front)
        batch = ProposalBatch.objects.create(
            region_id=village, month=datetime.date(2026, 11, 1),
            status=ProposalBatch.Status.APPROVED,
        )  # fmt: skip
        ProposalFactory(household=household, kind="exit", status="approved", batch=batch,
                        created_by=front)  # fmt: skip
        draft_proposal = ProposalFactory(
            household=household, kind="new_member", person=household.members.get(),
            created_by=front,
        )  # fmt: skip
        letter = Letter.objects.create(
            kind=LetterKind.objects.get(code="rekomendasi"), person=household.members.get(),
            household=household, drafted_by=back,
        )  # fmt: skip
        letter_batch = LetterBatch.objects.create(
            requested_by=staff_user(Role.SUPERVISOR, district), status=LetterBatch.Status.DONE
        )
        letter_batch.letters.add(letter)
        objects[side] = {
            "letter": letter.pk,
            "letter_batch": letter_batch.pk,
            "sent_proposal": sent_proposal.pk,
            "batch": batch.pk,
            "proposal": draft_proposal.pk,
            "open_visit": open_visit.pk,
            "document": photo.pk,
            "household": household.pk,
            "household_pk": household.pk,
            "complaint": complaint.pk,
            "complaint_pk": complaint.pk,
            "referral": referral.pk,
            "dispatch": dispatch.pk,
            "run": run.pk,
            "import": registry_import.pk,
            "pair": (twins[0].pk, twins[1].pk),
            "visit": visit.pk,
            "finding": finding.pk,
        }
        markers[side] = [kk, head_name, address, complaint.ticket_number]
    # objections: one to each side's household
    for side, district in (("inside", "52.72.01"), ("outside", "52.72.02")):
        household = Household.objects.get(pk=objects[side]["household"])
        objects[side]["objection"] = Objection.objects.create(
            household=household, region_id=household.region_id, reason=f"Sanggahan {side}",
            deadline=datetime.date(2026, 12, 18),
            created_by=staff_user(Role.FRONT_OFFICE, district),
        ).pk  # fmt: skip
    users = {
        "anonymous": None,
        "no_role": staff_user(None, "52.72.01"),
        "front_office": staff_user(Role.FRONT_OFFICE, "52.72.01"),
        "back_office": staff_user(Role.BACK_OFFICE, "52.72.01"),
        "supervisor": staff_user(Role.SUPERVISOR, "52.72.01"),
        "admin": staff_user(Role.ADMIN, "52.72.01"),
        "agency_officer": staff_user(Role.AGENCY_OFFICER, "52.72", agency=bpnt.agency),
        "other_agency": staff_user(Role.AGENCY_OFFICER, "52.72", agency=pip.agency),
        "agency_elsewhere": staff_user(Role.AGENCY_OFFICER, "52.72.02", agency=bpnt.agency),
        "agency_other_city": staff_user(Role.AGENCY_OFFICER, "52.71", agency=bpnt.agency),
        "facilitator": facilitators["inside"],
        "facilitator_elsewhere": staff_user(Role.FACILITATOR, "52.72.02"),
        "village_operator": staff_user(Role.VILLAGE_OPERATOR, "52.72.01.1001"),
        "coordinator": staff_user(Role.COORDINATOR, "52.72.01"),
    }
    return objects, markers, users


def url_for(name: str, the_rule: Rule, target: dict | None) -> str:
    if the_rule.kwargs and the_rule.obj is None:
        return reverse(name, kwargs=the_rule.kwargs)
    if the_rule.obj is None:
        return reverse(name) if not name.endswith(".ico") else "/favicon.ico"
    value = target[the_rule.obj]
    if the_rule.obj == "pair":
        return reverse(name, kwargs={"first_id": value[0], "second_id": value[1]})
    if the_rule.obj in ("household_pk", "complaint_pk"):
        return reverse(name, kwargs={the_rule.obj: value})
    return reverse(name, kwargs={"pk": value, **the_rule.kwargs})


def call(client, the_rule: Rule, url: str):
    if the_rule.method != "post":
        return client.get(url)
    if the_rule.api:
        return client.post(url, {}, content_type="application/json")
    return client.post(url, {})


def may_see(role: str, the_rule: Rule, side: str) -> bool:
    """Whether `role` may reach the object on `side` through a URL of this rule."""
    if the_rule.obj is None:
        return role in the_rule.roles
    if role in AGENCY:
        own = {"agency_officer": "inside", "other_agency": "outside"}.get(role)
        return the_rule.agency and side == own and the_rule.obj == "referral"
    return role in the_rule.roles and side == HOME_SIDE.get(role, "inside")


# Whose working area holds the outside objects rather than the inside ones.
HOME_SIDE = {"facilitator_elsewhere": "outside"}
# Who may read every identifying text of a side, and who only its household's (not the
# ticket number of its complaint).
SEES_ALL = {"inside": OFFICE | COORDINATOR | {"agency_officer"}, "outside": {"other_agency"}}
SEES_THE_HOUSEHOLD = {
    "inside": {"facilitator", "village_operator"},
    "outside": {"facilitator_elsewhere"},
}


def test_each_role_reaches_exactly_what_the_policy_allows(world, client):
    objects, markers, users = world
    tickets = set(Complaint.objects.values_list("ticket_number", flat=True))
    wrong = []
    for name, the_rule in sorted(RULES.items()):
        if the_rule.roles == EVERYONE and the_rule.obj is None:
            continue  # public pages: nothing to refuse
        sides = ["inside", "outside"] if the_rule.obj else [None]
        for role, user in users.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            for side in sides:
                if the_rule.obj == "dispatch":  # a retry by the previous user sent it
                    Dispatch.objects.update(status=Dispatch.Status.FAILED)
                url = url_for(name, the_rule, objects[side] if side else None)
                response = call(client, the_rule, url)
                allowed = may_see(role, the_rule, side or "inside")
                got = response.status_code
                if role == "anonymous":
                    expected_codes = {401, 403} if the_rule.api else {302}
                    if got not in expected_codes or (got == 302 and "/login/" not in response.url):
                        wrong.append(f"{role} {the_rule.method} {url}: {got}, wanted sign-in")
                elif allowed and got in (401, 403, 404, 405):
                    wrong.append(f"{role} {the_rule.method} {url}: {got}, wanted access")
                elif not allowed and got not in (403, 404):
                    wrong.append(f"{role} {the_rule.method} {url}: {got}, wanted 403/404")
                content = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                body = content.decode(errors="replace")
                for other_side, texts in markers.items():
                    if role in SEES_ALL[other_side]:
                        continue
                    leaked = [text for text in texts if text in body]
                    if role in SEES_THE_HOUSEHOLD[other_side]:
                        leaked = [text for text in leaked if text in tickets]
                    if leaked:
                        wrong.append(f"{role} {the_rule.method} {url}: shows {leaked}")
    assert wrong == [], "\n".join(wrong)


def test_the_admin_is_for_staff_accounts_and_keeps_to_the_area(world, client):
    objects, markers, users = world
    supervisor = users["supervisor"]
    User.objects.filter(pk=supervisor.pk).update(is_staff=True)
    client.force_login(users["front_office"])
    refused = client.get(reverse("admin:households_household_changelist"))
    client.force_login(User.objects.get(pk=supervisor.pk))
    outside = client.get(
        reverse("admin:households_household_change", args=[objects["outside"]["household"]])
    )
    listing = client.get(reverse("admin:referrals_referral_changelist")).content.decode()

    assert refused.status_code == 302 and "/admin/login/" in refused.url
    assert outside.status_code == 302  # "does not exist": back to the admin's index
    assert all(text not in listing for text in markers["outside"])
