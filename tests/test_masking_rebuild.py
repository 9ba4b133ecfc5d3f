"""No list, search result or export lets a reader rebuild a whole NIK or KK number.

A NIK is the district (digits 1–6), the birth date as DDMMYY with 40 added to the day for
women (7–12) and a serial (13–16); a KK number is a district, six more digits and a serial.
For every surface that lists people or households, this test takes what the page, answer or
file shows about one family, assumes the reader also knows the district, the sex and the age
(lists show the village and the age), and counts the numbers still consistent with it: at
least 100 must remain, and the whole number must never be shown.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_assess, complaint_register
from households.identity import nik_parts
from programs.models import Program
from referrals.services import referrals_create
from tests.factories import HouseholdFactory, PersonFactory, staff_user

MASKED = re.compile(r"[0-9•*xX]{16}")
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d%m%Y", "%d%m%y")
KK = "5272011203150001"
HEAD_NIK = "5272014308820002"  # a woman born 3 August 1982 (43 + 40 = day 03)
TWIN_NIK = "5272034308820007"  # the same name and birth date, in another district


def shown_digits(body: str, number: str) -> dict[int, str]:
    """The digits of `number` that some masked form of it in `body` shows, by position."""
    best: dict[int, str] = {}
    for token in MASKED.findall(body):
        if all(
            shown == digit for shown, digit in zip(token, number, strict=True) if shown.isdigit()
        ):
            digits = {index: shown for index, shown in enumerate(token) if shown.isdigit()}
            if len(digits) > len(best):
                best = digits
    return best


def nik_candidates(body: str, nik: str, birth_date: datetime.date, today: datetime.date) -> int:
    """NIKs consistent with `body`, for a reader who knows the district, sex and age."""
    parts = nik_parts(nik)
    shown = shown_digits(body, nik)
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    # Every birth date that gives that age today.
    latest = today.replace(year=today.year - years)
    earliest = today.replace(year=today.year - years - 1) + datetime.timedelta(days=1)
    days = [earliest + datetime.timedelta(days=n) for n in range((latest - earliest).days + 1)]
    if any(birth_date.strftime(f) in body for f in DATE_FORMATS):  # the birth date is shown
        days = [day for day in days if any(day.strftime(f) in body for f in DATE_FORMATS)]
    dates = {f"{day.day + (40 if parts.is_female else 0):02d}{day:%m%y}" for day in days}
    dates = {d for d in dates if all(shown.get(6 + i, c) == c for i, c in enumerate(d))}
    serials = 10 ** sum(1 for position in range(12, 16) if position not in shown)
    return len(dates) * serials


def kk_candidates(body: str, kk: str) -> int:
    """KK numbers consistent with `body`, for a reader who knows the district."""
    shown = shown_digits(body, kk)
    return 10 ** sum(1 for position in range(6, 16) if position not in shown)


def assert_not_rebuildable(body: str, family: dict) -> None:
    today = timezone.localdate()
    for number in (KK, HEAD_NIK, TWIN_NIK):
        assert number not in body
    assert kk_candidates(body, KK) >= 100
    for nik, born in family["people"]:
        assert nik_candidates(body, nik, born, today) >= 100


@pytest.fixture
def family(catalogue, back_office):
    """A poor household (PKH would fit it: screening lists it) with a complaint referred to
    BPNT, and a namesake born the same day in another district (a possible duplicate)."""
    born = datetime.date(1982, 8, 3)
    household = HouseholdFactory(region_id="52.72.01.1001", kk_number=KK, desil=2)
    head = PersonFactory(household=household, name="Siti Aminah", sex="F", birth_date=born,
                         nik=HEAD_NIK, relationship="head")  # fmt: skip
    PersonFactory(
        household=household, name="Putri", sex="F", relationship="child",
        birth_date=datetime.date(2016, 3, 1), school_participation="in_school",
    )  # fmt: skip
    other = HouseholdFactory(region_id="52.72.03.1001", kk_number="5272030101200009")
    PersonFactory(household=other, name="Siti Aminah", sex="F", birth_date=born, nik=TWIN_NIK,
                  relationship="head")  # fmt: skip
    complaint = complaint_register(
        actor=staff_user(Role.FRONT_OFFICE, scope="52.72.01"),
        household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"),
        channel="walk_in",
        description="Kartu KIS tidak aktif.",
        complainant=head,
        consent_given=True,
    )
    complaint_assess(actor=back_office, complaint=complaint,
                     needs=[{"domain": "food", "severity": 2, "notes": ""}])  # fmt: skip
    complaint.refresh_from_db()
    referrals_create(actor=back_office, complaint=complaint,
                     programs=[Program.objects.get(code="BPNT")])  # fmt: skip
    return {
        "household": household,
        "complaint": complaint,
        "people": [(HEAD_NIK, born), (TWIN_NIK, born)],
    }


def body_of(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


SUPERVISOR = {"role": Role.SUPERVISOR, "scope": "52.72", "is_staff": True}
BACK_OFFICE = {"role": Role.BACK_OFFICE, "scope": "52.72"}
# (surface, who, method, url name, query or form, what shows the family is in it)
SURFACES = [
    ("web search by name", BACK_OFFICE, "get", "households:search", {"q": "Siti Aminah"}, "0002"),
    ("web household list", BACK_OFFICE, "get", "households:search", {}, "0001"),
    ("duplicate list", BACK_OFFICE, "get", "households:duplicates", {}, "0007"),
    ("complaint queue", BACK_OFFICE, "get", "complaints:queue", {"tab": "all"}, "ticket"),
    ("referral list", BACK_OFFICE, "get", "referrals:list", {}, "ticket"),
    ("API household list", BACK_OFFICE, "get", "api:household-list", {}, "0002"),
    (
        "API household search",
        BACK_OFFICE,
        "get",
        "api:household-list",
        {"q": "Siti Aminah"},
        "0002",
    ),
    ("API complaint list", BACK_OFFICE, "get", "api:complaint-list", {}, "ticket"),
    ("API referral list", BACK_OFFICE, "get", "api:referral-list", {}, "ticket"),
    ("household export", SUPERVISOR, "post", "reports:export", {"purpose": "supervision"}, "0001"),
    ("admin households", SUPERVISOR, "get", "admin:households_household_changelist", {}, "0001"),
    ("admin complaints", SUPERVISOR, "get", "admin:complaints_complaint_changelist", {}, "ticket"),
    ("admin referrals", SUPERVISOR, "get", "admin:referrals_referral_changelist", {}, "BPNT"),
]
EXPORT_ARGS = {"household export": ["households"]}


@pytest.mark.parametrize(
    ("surface", "who", "method", "name", "data", "shows"), SURFACES, ids=[s[0] for s in SURFACES]
)
def test_no_list_lets_a_reader_rebuild_a_nik_or_kk(
    family, client, surface, who, method, name, data, shows
):
    user = staff_user(who["role"], scope=who["scope"], is_staff=who.get("is_staff", False))
    client.force_login(user)

    response = getattr(client, method)(reverse(name, args=EXPORT_ARGS.get(surface, [])), data)

    body = body_of(response)
    assert response.status_code == 200
    assert (family["complaint"].ticket_number if shows == "ticket" else shows) in body
    assert_not_rebuildable(body, family)


@pytest.mark.parametrize("kind", ["complaints", "referrals"])
def test_no_export_lets_a_reader_rebuild_a_nik_or_kk(family, client, kind):
    client.force_login(staff_user(Role.SUPERVISOR, scope="52.72"))

    body = body_of(client.post(reverse("reports:export", args=[kind]), {"purpose": "supervision"}))

    assert family["complaint"].ticket_number in body
    assert_not_rebuildable(body, family)


def test_the_agency_inbox_lets_no_reader_rebuild_a_nik_or_kk(family, client, officer_of):
    client.force_login(officer_of("BPNT"))

    body = body_of(client.get(reverse("referrals:list")))

    assert family["complaint"].ticket_number in body
    assert_not_rebuildable(body, family)


def test_the_screening_csv_lets_no_reader_rebuild_a_kk(family, tmp_path):
    output = tmp_path / "pkh.csv"

    call_command("screen_program", "PKH", region="52.72", output=str(output), stdout=io.StringIO())

    body = output.read_text(encoding="utf-8")
    assert "0001" in body and "Siti Aminah" in body
    assert_not_rebuildable(body, family)


def test_the_access_log_list_masks_the_numbers_staff_searched_for(family, client):
    searcher = staff_user(Role.BACK_OFFICE, scope="52.72")
    client.force_login(searcher)
    client.get(reverse("households:search"), {"q": HEAD_NIK})
    client.get(reverse("households:search"), {"q": "5272 0343 0882 0007"})
    client.force_login(staff_user(Role.SUPERVISOR, scope="52.72"))

    body = body_of(client.get(reverse("accounts:access_log")))

    assert "••••••••••••0002" in body and "••••••••••••0007" in body
    assert "5272 0343 0882 0007" not in body
    assert_not_rebuildable(body, family)


def test_a_birth_date_beside_the_old_mask_gives_the_nik_back():
    """The count itself: the old mask (district and serial) beside a birth date leaves one."""
    born = datetime.date(1982, 8, 3)
    body = f"NIK 527201••••••0002 · {born:%d-%m-%Y}"

    assert nik_candidates(body, HEAD_NIK, born, datetime.date(2026, 12, 1)) == 1
    assert (
        nik_candidates(
            "NIK ••••••••••••0002 · 44 tahun", HEAD_NIK, born, datetime.date(2026, 12, 1)
        )
        >= 360
    )


# --- every list that shows personal data says so in the access log --------------------------

LOGGED = [s for s in SURFACES if s[2] == "get" and not s[3].startswith("admin:")]


@pytest.mark.parametrize(
    ("surface", "who", "method", "name", "data", "shows"), LOGGED, ids=[s[0] for s in LOGGED]
)
def test_every_list_of_personal_data_writes_its_access_log_row(
    family, client, surface, who, method, name, data, shows
):
    user = staff_user(who["role"], scope=who["scope"])
    client.force_login(user)

    client.get(reverse(name), data)

    (entry,) = AccessLog.objects.filter(user=user)
    assert entry.action == AccessLog.Action.SEARCH
    assert entry.rows >= 1
    assert entry.path == reverse(name)


def test_the_agency_inbox_writes_its_access_log_row(family, client, officer_of):
    officer = officer_of("BPNT")
    client.force_login(officer)

    client.get(reverse("referrals:list"))

    (entry,) = AccessLog.objects.filter(user=officer)
    assert (entry.action, entry.rows, entry.purpose) == ("search", 1, AccessLog.Purpose.REFERRAL)


def test_an_empty_list_shows_no_one_and_writes_no_row(kota_bima, client):
    user = staff_user(Role.BACK_OFFICE, scope="52.72")
    client.force_login(user)

    client.get(reverse("households:search"))
    client.get(reverse("api:household-list"))

    assert not AccessLog.objects.exists()
