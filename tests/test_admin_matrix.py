"""Who may open what in the admin: every registered model × its list, change, add, delete and
history pages and its own extra pages × every role × objects inside and outside the user's
working area.

The table below is the policy, written from the roles and working areas the README
describes, not read from the code. The admin's registry is enumerated: a model registered
without a line here fails
`test_every_admin_model_has_a_rule`, and a page a model admin adds beyond the standard ones
fails `test_every_extra_admin_page_has_a_rule`.

Everyone works in district Rasanae Barat (52.72.01); "outside" objects belong to Rasanae
Timur (52.72.02), the city of Mataram (52.71), the province (a ministry) or a superuser.
Supervisors and administrators open the admin (`is_staff`, as `staff_user_upsert` makes
them); the other roles (facilitators and village operators too) are sent to its sign-in
page. What identifies an outside object never appears in an answer to someone who may not
see it.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office, StaffProfile
from accounts.roles import Role
from accounts.services import access_record
from complaints.models import ComplaintCategory, SatisfactionSurvey
from complaints.services import complaint_assess, complaint_register
from documents.models import DocumentKind
from documents.services import document_upload
from letters.models import Letter, LetterKind
from programs.models import Enrollment, Program
from proposals.models import Objection, ProposalBatch
from referrals.services import referrals_create
from regions.models import Region
from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory, staff_user
from visits.services import visit_request

ROLES = [
    "front_office",
    "back_office",
    "supervisor",
    "admin",
    "agency_officer",
    "facilitator",
    "village_operator",
    "superuser",
]
EVERY = "every side"  # every object, wherever it is


@dataclass(frozen=True)
class Rule:
    """Who may do what to one model in the admin: for each role, the sides whose objects it
    may read (change page, history), change (the change page saves), delete; the roles that
    open the list (by default those who read some object) and those that may add one;
    `history`, the sides whose history it reads where that differs from `view`.
    `extra` gives each extra page of the model admin the rule it follows: "view", "change"
    (per object, as the change page) or a set of roles."""

    view: dict = field(default_factory=dict)
    change: dict = field(default_factory=dict)
    delete: dict = field(default_factory=dict)
    add: frozenset = frozenset()
    extra: dict = field(default_factory=dict)
    lists: frozenset | None = None
    history: dict | None = None


def superuser_only(add=True, **extra) -> Rule:
    everything = {"superuser": EVERY}
    adds = frozenset({"superuser"} if add else ())
    return Rule(everything, everything, everything, adds, extra)


INSIDE = {"inside"}
OFFICE_READS = {"supervisor": INSIDE, "admin": INSIDE}

POLICY = {
    # Staff accounts: an administrator manages the users of their area holding roles they may
    # grant; supervisors read them; superusers (and users without a profile) only superusers.
    "auth.User": Rule(
        view={**OFFICE_READS, "superuser": EVERY},
        change={"admin": INSIDE, "superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"admin", "superuser"}),
        extra={"auth_user_password_change": "change"},
    ),
    "accounts.StaffProfile": Rule(
        view={**OFFICE_READS, "superuser": EVERY},
        change={"admin": INSIDE, "superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"superuser"}),  # others make a profile with its user
        extra={"accounts_staffprofile_simple_history": "view"},
    ),
    "auth.Group": Rule(  # the roles: administrators read what each holds
        view={"admin": EVERY, "superuser": EVERY},
        change={"superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"superuser"}),
    ),
    # Offices (their letterhead and signatory): an administrator keeps those of their area;
    # the office above it (the city's, for a district) is read, as its printouts carry it.
    "accounts.Office": Rule(
        view={
            "supervisor": {"inside", "city"},
            "admin": {"inside", "city"},
            "superuser": EVERY,
        },
        # Who changed one is told in its area only, as for a region.
        history={"supervisor": INSIDE, "admin": INSIDE, "superuser": EVERY},
        change={"admin": INSIDE, "superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"admin", "superuser"}),
        extra={"accounts_office_simple_history": "view"},
    ),
    # The access log: read-only, entries of the staff of one's area; superusers read all.
    "accounts.AccessLog": Rule(view={**OFFICE_READS, "superuser": EVERY}),
    # Region names are everyone's to read; an administrator renames those of their area. Who
    # renamed one is told in the area only, as the users of the area are.
    "regions.Region": Rule(
        view={"supervisor": EVERY, "admin": EVERY, "superuser": EVERY},
        history={"supervisor": INSIDE, "admin": INSIDE, "superuser": EVERY},
        change={"admin": INSIDE, "superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"superuser"}),
    ),
    # Personal data: read-only, and only within one's own area, superusers included (the
    # superuser here has no area: an empty list).
    "households.Household": Rule(
        view=OFFICE_READS,
        extra={"households_household_simple_history": "view"},
        lists=frozenset({"supervisor", "admin", "superuser"}),
    ),
    "complaints.Complaint": Rule(
        view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})
    ),
    "referrals.Referral": Rule(
        view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})
    ),
    # Satisfaction surveys are answered by the resident's link or at the desk: read here
    # within the area of their complaints.
    "complaints.SatisfactionSurvey": Rule(
        view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})
    ),
    # Home visits change through their pages and services: read here within the area.
    "visits.Visit": Rule(view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})),
    # Objections change through their pages, the API and the sweep: read here within the area.
    "proposals.Objection": Rule(
        view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})
    ),
    # A village's monthly batch changes on its page and through the API: read within the area.
    "proposals.ProposalBatch": Rule(
        view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})
    ),
    "documents.Document": Rule(
        view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})
    ),
    # Document kinds are data of every area: administrators add and change them (their
    # retention, which decides what is purged everywhere, is the superusers' alone:
    # tests/documents/test_admin.py), the office reads them; none is deleted.
    "documents.DocumentKind": Rule(
        view={"supervisor": EVERY, "admin": EVERY, "superuser": EVERY},
        change={"admin": EVERY, "superuser": EVERY},
        add=frozenset({"admin", "superuser"}),
    ),
    # The letter register: letters change on their pages and through the API (drafted,
    # issued, revoked): read here within the area. Their kinds are data of every area (their
    # name and text go on every office's letters): read by the office, changed by superusers.
    "letters.Letter": Rule(
        view=OFFICE_READS, lists=frozenset({"supervisor", "admin", "superuser"})
    ),
    "letters.LetterKind": Rule(
        view={"supervisor": EVERY, "admin": EVERY, "superuser": EVERY},
        change={"superuser": EVERY},
        add=frozenset({"superuser"}),
    ),
    # Shared by every area: read by the office, changed by superusers.
    "complaints.ComplaintCategory": Rule(
        view={"supervisor": EVERY, "admin": EVERY, "superuser": EVERY},
        change={"superuser": EVERY},
        add=frozenset({"superuser"}),
    ),
    # Agencies and programmes: changed by an administrator whose area covers what they serve.
    "programs.Agency": Rule(
        view={"supervisor": EVERY, "admin": EVERY, "superuser": EVERY},
        change={"admin": INSIDE, "superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"admin", "superuser"}),
    ),
    "programs.Program": Rule(
        view={"supervisor": EVERY, "admin": EVERY, "superuser": EVERY},
        change={"admin": INSIDE, "superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"admin", "superuser"}),
        extra={"programs_program_rule_preview": frozenset({"admin", "superuser"})},
    ),
    "programs.Enrollment": Rule(
        view={**OFFICE_READS, "superuser": EVERY},
        change={"admin": INSIDE, "superuser": EVERY},
        delete={"superuser": EVERY},
        add=frozenset({"admin", "superuser"}),
    ),
    # The machinery: API tokens, sign-in attempts, authenticator devices, schedules.
    "authtoken.TokenProxy": superuser_only(),
    "axes.AccessAttempt": superuser_only(add=False),  # sign-in records: never added by hand
    "axes.AccessLog": superuser_only(add=False),
    "axes.AccessFailureLog": superuser_only(add=False),
    "otp_totp.TOTPDevice": superuser_only(
        otp_totp_totpdevice_config="view", otp_totp_totpdevice_qrcode="view"
    ),
    "django_celery_beat.PeriodicTask": superuser_only(),
    "django_celery_beat.ClockedSchedule": superuser_only(),
    "django_celery_beat.CrontabSchedule": superuser_only(),
    "django_celery_beat.SolarSchedule": superuser_only(),
    "django_celery_beat.IntervalSchedule": superuser_only(),
}

STANDARD_PAGES = ("changelist", "add", "history", "delete", "change")


def registered() -> dict[str, admin.ModelAdmin]:
    return {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


def extra_pages(model_admin: admin.ModelAdmin) -> set[str]:
    opts = model_admin.model._meta
    standard = {f"{opts.app_label}_{opts.model_name}_{page}" for page in STANDARD_PAGES}
    return {url.name for url in model_admin.get_urls() if url.name} - standard


def test_every_admin_model_has_a_rule():
    assert set(registered()) - set(POLICY) == set(), "add the new admin models to POLICY"
    assert set(POLICY) - set(registered()) == set(), "POLICY names models no longer registered"


def test_every_extra_admin_page_has_a_rule():
    missing = {
        (label, name)
        for label, model_admin in registered().items()
        for name in extra_pages(model_admin)
        if name not in POLICY[label].extra
    }
    assert missing == set(), "give these admin pages a rule in POLICY"


# --- the world the matrix runs in ---------------------------------------------------------


def may(sides_by_role: dict, role: str, side: str) -> bool:
    sides = sides_by_role.get(role, ())
    return sides == EVERY or side in sides


def referred_household(side: str, village: str, program: Program) -> dict:
    """A household with a head, and its complaint referred to `program`."""
    district = Region.code_at(village, Region.Level.DISTRICT)
    kk = {"inside": "5272011203150001", "outside": "5272021910160003"}[side]
    head = {"inside": "Rahmat Hidayat", "outside": "Bambang Suryadi"}[side]
    household = HouseholdFactory(region_id=village, kk_number=kk, address=f"Jalan {side} 7")
    PersonFactory(household=household, name=head, relationship="head")
    front, back = staff_user(Role.FRONT_OFFICE, district), staff_user(Role.BACK_OFFICE, district)
    complaint = complaint_register(
        actor=front, household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"), channel="walk_in",
        description=f"Keluhan {side}", complainant=household.members.get(), consent_given=True,
    )  # fmt: skip
    needs = [{"domain": "food", "severity": 2, "notes": ""}]
    complaint = complaint_assess(actor=back, complaint=complaint, needs=needs)
    (referral,) = referrals_create(
        actor=back, complaint=complaint, programs=[program], notes="Mohon dibantu."
    )
    document = document_upload(
        actor=front, owner_type="complaint", owner_id=complaint.pk, kind_code="sktm",
        upload=SimpleUploadedFile("sktm.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )  # fmt: skip
    return {
        "document": document,
        "household": household,
        "complaint": complaint,
        "referral": referral,
        "markers": [kk, head, household.address, complaint.ticket_number],
    }


@pytest.fixture
def world(catalogue):
    """Objects of every admin model, by side; the users of each role; and, by side, the
    texts that identify the outside objects."""
    from axes.models import AccessAttempt, AccessFailureLog
    from axes.models import AccessLog as SignInLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token, TokenProxy

    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    bpnt = Program.objects.get(code="BPNT")  # the ministry's: serves the province
    district_agency = AgencyFactory(
        name="Puskesmas Paruga", region=Region.objects.get(code="52.72.01")
    )
    district_program = Program.objects.create(
        code="PARUGA-SEHAT", name="Paruga Sehat", level="municipal", agency=district_agency,
        rule={"field": "desil", "op": "lte", "value": 4},
    )  # fmt: skip
    inside = referred_household("inside", "52.72.01.1001", bpnt)
    outside = referred_household("outside", "52.72.02.1008", bpnt)
    desk = staff_user(Role.FRONT_OFFICE, "52.72.01.1001", username="meja_barat")
    timur = staff_user(Role.FRONT_OFFICE, "52.72.02", username="meja_rasanae_timur")
    mataram = staff_user(Role.FRONT_OFFICE, "52.71", username="meja_kota_mataram")
    city = staff_user(Role.SUPERVISOR, "52.72", username="supervisi_kota_bima", is_staff=True)
    root = User.objects.create_superuser("akar_tanpa_profil", "akar@example.org", "x-long-pass-1")
    access_record(actor=desk, action="search", what="Pencarian barat", query="Siti")
    access_record(actor=timur, action="search", what="Pencarian timur", query="Rahasia Timur")
    now = timezone.now()
    crontab = CrontabSchedule.objects.create(minute="0", hour="7")
    attempt = {"user_agent": "x", "ip_address": "10.0.0.1", "http_accept": "*/*",
               "path_info": "/accounts/login/"}  # fmt: skip
    objects = {
        "auth.User": {
            "inside": desk,
            "outside": timur,
            "city": city,
            "mataram": mataram,
            "superuser": root,
        },
        "accounts.StaffProfile": {
            "inside": desk.staff_profile,
            "outside": timur.staff_profile,
            "city": city.staff_profile,
            "mataram": mataram.staff_profile,
            "superuser": StaffProfile.objects.create(user=root, scope_id="52.72.01"),
        },
        "auth.Group": {
            "inside": Group.objects.get(name=Role.FRONT_OFFICE),
            "outside": Group.objects.get(name=Role.ADMIN),
        },
        "accounts.Office": {
            side: Office.objects.create(
                region_id=code, name=name, address="Jalan Kantor 1", head_name="Kepala"
            )
            for side, code, name in (
                ("inside", "52.72.01", "Kantor Rasanae Barat"),
                ("outside", "52.72.02", "Kantor Rasanae Timur"),
                ("city", "52.72", "Dinas Sosial Kota Bima"),
            )
        },
        "accounts.AccessLog": {
            "inside": desk_entry(desk),
            "outside": desk_entry(timur),
        },
        "regions.Region": {
            "inside": Region.objects.get(code="52.72.01.1001"),
            "outside": Region.objects.get(code="52.72.02.1008"),
            "city": Region.objects.get(code="52.72"),
        },
        "households.Household": {"inside": inside["household"], "outside": outside["household"]},
        "complaints.Complaint": {"inside": inside["complaint"], "outside": outside["complaint"]},
        "complaints.SatisfactionSurvey": {
            side: SatisfactionSurvey.objects.create(
                complaint=found["complaint"], token=f"token-of-the-{side}-survey-link-0123456789"
            )
            for side, found in (("inside", inside), ("outside", outside))
        },
        "documents.Document": {"inside": inside["document"], "outside": outside["document"]},
        "documents.DocumentKind": {
            "inside": DocumentKind.objects.get(code="ktp"),
            "outside": DocumentKind.objects.get(code="kk"),
        },
        "referrals.Referral": {"inside": inside["referral"], "outside": outside["referral"]},
        "letters.Letter": {
            side: Letter.objects.create(
                kind=LetterKind.objects.get(code="rekomendasi"),
                person=PersonFactory(household=found["household"], name=f"Pemegang {side}"),
                household=found["household"],
                drafted_by=desk,
            )
            for side, found in (("inside", inside), ("outside", outside))
        },
        "letters.LetterKind": {
            "inside": LetterKind.objects.get(code="suket_dtsen"),
            "outside": LetterKind.objects.get(code="rekomendasi"),
        },
        "visits.Visit": {
            side: visit_request(
                actor=staff_user(Role.BACK_OFFICE, "52.72"),
                household=found["household"],
                reason=f"Kunjungan {side}",
                complaint=found["complaint"],
            )
            for side, found in (("inside", inside), ("outside", outside))
        },
        "proposals.Objection": {
            side: Objection.objects.create(
                household=found["household"],
                region_id=found["household"].region_id,
                reason=f"Sanggahan {side}",
                deadline=datetime.date(2026, 12, 18),
                created_by=staff_user(Role.FRONT_OFFICE, "52.72"),
            )
            for side, found in (("inside", inside), ("outside", outside))
        },
        "proposals.ProposalBatch": {
            side: ProposalBatch.objects.create(region_id=village, month=datetime.date(2026, 11, 1))
            for side, village in (("inside", "52.72.01.1001"), ("outside", "52.72.02.1008"))
        },
        "complaints.ComplaintCategory": {
            "inside": ComplaintCategory.objects.get(code="kesehatan-pbi"),
            "outside": ComplaintCategory.objects.get(code="perumahan"),
        },
        "programs.Agency": {
            "inside": district_agency,
            "outside": bpnt.agency,
            "city": Program.objects.get(code="JAMKESDA").agency,
        },
        "programs.Program": {
            "inside": district_program,
            "outside": bpnt,
            "city": Program.objects.get(code="JAMKESDA"),
        },
        "programs.Enrollment": {
            side: Enrollment.objects.create(
                household=found["household"], program=bpnt, source=f"sumber-{side}"
            )
            for side, found in (("inside", inside), ("outside", outside))
        },
        "authtoken.TokenProxy": {
            side: TokenProxy.objects.get(key=Token.objects.create(user=user).key)
            for side, user in (("inside", desk), ("outside", timur))
        },
        "axes.AccessAttempt": {
            "inside": AccessAttempt.objects.create(
                **attempt,
                username="meja_barat",
                get_data="",
                post_data="",
                failures_since_start=1,
            ),
        },
        "axes.AccessLog": {"inside": SignInLog.objects.create(**attempt, username="meja_barat")},
        "axes.AccessFailureLog": {
            "inside": AccessFailureLog.objects.create(**attempt, username="meja_barat")
        },
        "otp_totp.TOTPDevice": {
            "inside": TOTPDevice.objects.create(user=desk, name="desk"),
            "outside": TOTPDevice.objects.create(user=timur, name="timur"),
        },
        "django_celery_beat.CrontabSchedule": {"inside": crontab},
        "django_celery_beat.IntervalSchedule": {
            "inside": IntervalSchedule.objects.create(every=1, period="days")
        },
        "django_celery_beat.SolarSchedule": {
            "inside": SolarSchedule.objects.create(event="sunrise", latitude=-8.46, longitude=118.7)
        },
        "django_celery_beat.ClockedSchedule": {
            "inside": ClockedSchedule.objects.create(clocked_time=now)
        },
        "django_celery_beat.PeriodicTask": {
            "inside": PeriodicTask.objects.create(name="sweep", task="x", crontab=crontab)
        },
    }
    markers = [
        *outside["markers"],
        "meja_rasanae_timur",
        "meja_kota_mataram",
        "supervisi_kota_bima",
        "akar_tanpa_profil",
        "Rahasia Timur",
        "sumber-outside",
        "Kantor Rasanae Timur",
    ]
    users = {
        "front_office": staff_user(Role.FRONT_OFFICE, "52.72.01"),
        "back_office": staff_user(Role.BACK_OFFICE, "52.72.01"),
        "supervisor": staff_user(Role.SUPERVISOR, "52.72.01", is_staff=True),
        "admin": staff_user(Role.ADMIN, "52.72.01", is_staff=True),
        "agency_officer": staff_user(Role.AGENCY_OFFICER, "52.72.01", agency=bpnt.agency),
        "facilitator": staff_user(Role.FACILITATOR, "52.72.01"),
        "village_operator": staff_user(Role.VILLAGE_OPERATOR, "52.72.01.1001"),
        "superuser": User.objects.create_superuser("su", "su@example.org", "x-long-pass-2"),
    }
    return objects, markers, users


def desk_entry(user):
    from accounts.models import AccessLog

    return AccessLog.objects.filter(user=user).get()


def admin_url(label: str, page: str, *args) -> str:
    app_label, model_name = label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{page}", args=args)


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def refused(response) -> bool:
    """403, 404, or the admin's "no such object" redirect to its index or its sign-in."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and (
        response.url == reverse("admin:index") or "/admin/login/" in response.url
    )


def outside_view_of(the_rule: Rule, role: str, sides) -> bool:
    return any(may(the_rule.view, role, side) for side in sides if side != "inside")


@pytest.mark.parametrize("label", sorted(POLICY))
def test_each_role_reaches_exactly_what_the_admin_policy_allows(world, client, label):
    objects, markers, users = world
    if label not in registered():
        pytest.fail(f"{label} is in POLICY but not registered")
    assert label in objects, f"make objects of {label} in the world"
    the_rule, model_admin = POLICY[label], registered()[label]
    model = model_admin.model
    wrong = []

    def expect(role, what, response, allowed, sees_outside):
        if allowed and response.status_code != 200:
            wrong.append(f"{role} {what}: {response.status_code}, wanted 200")
        elif not allowed and not refused(response):
            wrong.append(f"{role} {what}: {response.status_code}, wanted refusal")
        if not sees_outside:
            leaked = [text for text in markers if text in body_of(response)]
            if leaked:
                wrong.append(f"{role} {what}: shows {leaked}")

    for role in ROLES:
        client.force_login(users[role])
        sees_outside = outside_view_of(the_rule, role, objects[label])
        reads_some = any(may(the_rule.view, role, side) for side in objects[label])
        if the_rule.lists is not None:
            reads_some = role in the_rule.lists
        expect(role, "list", client.get(admin_url(label, "changelist")), reads_some, sees_outside)
        expect(role, "add", client.get(admin_url(label, "add")), role in the_rule.add, sees_outside)
        for side, obj in objects[label].items():
            pk = obj.pk
            reads, changes = may(the_rule.view, role, side), may(the_rule.change, role, side)
            page = client.get(admin_url(label, "change", pk))
            expect(role, f"change {side}", page, reads, sees_outside)
            if reads and page.status_code == 200 and ('name="_save"' in body_of(page)) != changes:
                wrong.append(f"{role} change {side}: saves={not changes}, wanted {changes}")
            if not changes:
                posted = client.post(admin_url(label, "change", pk), {})
                if not refused(posted):
                    wrong.append(f"{role} POST change {side}: {posted.status_code}, wanted refusal")
            history = client.get(admin_url(label, "history", pk))
            history_rule = the_rule.view if the_rule.history is None else the_rule.history
            expect(role, f"history {side}", history, may(history_rule, role, side), sees_outside)
            deletes = may(the_rule.delete, role, side)
            expect(
                role, f"delete {side}", client.get(admin_url(label, "delete", pk)), deletes,
                sees_outside,
            )  # fmt: skip
            if not deletes:
                posted = client.post(admin_url(label, "delete", pk), {"post": "yes"})
                still = {model._meta.pk.attname: getattr(obj, model._meta.pk.attname)}
                if not refused(posted) or not model._default_manager.filter(**still).exists():
                    wrong.append(f"{role} POST delete {side}: {posted.status_code}, deleted?")
            for name, extra_rule in the_rule.extra.items():
                if isinstance(extra_rule, frozenset):
                    continue  # a page of no object: below
                allowed = reads if extra_rule == "view" else changes
                args = [pk]
                if name.endswith("_simple_history"):
                    args.append(obj.history.latest().history_id)
                response = client.get(reverse(f"admin:{name}", args=args))
                expect(role, f"{name} {side}", response, allowed, sees_outside)
        for name, extra_rule in the_rule.extra.items():
            if isinstance(extra_rule, frozenset):
                response = client.post(reverse(f"admin:{name}"), {"rule": "{}"})
                allowed = role in extra_rule
                if allowed and response.status_code in (302, 403, 404):
                    wrong.append(f"{role} {name}: {response.status_code}, wanted an answer")
                elif not allowed and not refused(response):
                    wrong.append(f"{role} {name}: {response.status_code}, wanted refusal")
    assert wrong == [], "\n".join(wrong)


def test_the_admins_autocomplete_offers_only_users_and_regions_of_the_area(world, client):
    _objects, markers, users = world
    client.force_login(users["admin"])

    def offered(model_name, field_name, term=""):
        answer = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "accounts", "model_name": model_name, "field_name": field_name,
             "term": term},
        )  # fmt: skip
        return {result["text"] for result in answer.json()["results"]}

    users_offered = offered("staffprofile", "user")
    regions_offered = offered("staffprofile", "scope", "52")

    assert "meja_barat" in users_offered
    assert users_offered.isdisjoint(markers)
    assert {text for text in regions_offered if "(52.72.02" in text or "(52.71" in text} == set()
    assert all("(52.72.01" in text for text in regions_offered), regions_offered


def test_the_world_covers_every_side_the_policy_names(world):
    objects, _markers, _users = world
    for label, the_rule in POLICY.items():
        for sides_by_role in (the_rule.view, the_rule.change, the_rule.delete):
            for sides in sides_by_role.values():
                if sides != EVERY:
                    assert set(sides) <= set(objects[label]), label


# Fields whose value no list open to a scoped role is filtered by: Django allows a filter on
# every field in the address, and the rows or count of the answer would read a secret, or a
# whole identifier past the search that writes the access log, a character at a time.
SECRETS_AND_IDENTIFIERS = {"kk_number", "nik", "no_kk", "webhook_secret", "password", "key"}


def test_no_admin_list_is_filtered_by_a_secret_or_a_whole_identifier(world, client):
    _objects, _markers, users = world
    filtered = []
    for label, model_admin in sorted(registered().items()):
        fields = {field.name for field in model_admin.model._meta.concrete_fields}
        for name in sorted(fields & SECRETS_AND_IDENTIFIERS):
            for role in ("supervisor", "admin"):
                client.force_login(users[role])
                answer = client.get(admin_url(label, "changelist"), {f"{name}__startswith": "5"})
                if answer.status_code == 200:
                    filtered.append(f"{role}: {label} by {name}")
    assert filtered == []
