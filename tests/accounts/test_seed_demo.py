import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings as settings_module
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from accounts.roles import Role, user_roles
from complaints.models import Complaint
from complaints.workdays import add_working_days
from documents.models import Document
from households.models import Household
from programs.models import Agency
from proposals.models import Proposal
from referrals.models import Referral
from referrals.selectors import agency_inbox_for, referral_file
from regions.models import Region, within_q
from regions.time_zones import local_date_in
from visits.models import Visit, VisitEvent

DEMO_USERS = {
    "fo": Role.FRONT_OFFICE,
    "bo": Role.BACK_OFFICE,
    "supervisor": Role.SUPERVISOR,
    "agency": Role.AGENCY_OFFICER,
    "admin": Role.ADMIN,
    "fasilitator": Role.FACILITATOR,
    "desa": Role.VILLAGE_OPERATOR,
}
# Each works for all of Kota Bima but the village operator, who works for Kelurahan Paruga.
DEMO_AREAS = dict.fromkeys(DEMO_USERS, "52.72") | {"desa": "52.72.01.1001"}


def snapshot() -> dict:
    return {
        "users": sorted(
            User.objects.values_list(
                "username", "staff_profile__scope", "staff_profile__agency__name"
            )
        ),
        "households": sorted(Household.objects.values_list("kk_number", "region", "address")),
        "agencies": sorted(Agency.objects.values_list("name", "level")),
        "regions": Region.objects.count(),
        "complaints": sorted(Complaint.objects.values_list("ticket_number", "status")),
        "visits": sorted(
            Visit.objects.values_list("household__kk_number", "assignee__username", "status")
        ),
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_password(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")

    assert snapshot() == first
    assert {status for _ticket, status in first["complaints"]} >= {
        "registered",
        "assessed",
        "closed",
    }
    assert "slrt-demo-2026" in capsys.readouterr().out
    for username, role in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user_roles(user) == {role}
        assert user.staff_profile.scope_id == DEMO_AREAS[username]
        assert user.check_password("slrt-demo-2026")


@pytest.mark.django_db
def test_demo_agency_officer_belongs_to_an_agency_and_works_in_kota_bima(capsys):
    call_command("seed_demo")
    officer = User.objects.get(username="agency")

    assert officer.staff_profile.agency.name == "Dinas Sosial Kota Bima"
    assert officer.staff_profile.scope_id == "52.72"
    # an agency officer sees their agency's referrals of their own area: the demo's are there
    inbox = agency_inbox_for(officer)
    assert inbox.exists()
    assert set(inbox.values_list("agency__name", flat=True)) == {"Dinas Sosial Kota Bima"}


@pytest.mark.django_db
@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_demo_user_can_sign_in_and_sees_home(client, username):
    call_command("seed_demo", verbosity=0)

    response = client.post(
        reverse("accounts:login"),
        {"username": username, "password": "slrt-demo-2026"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.context["user"].username == username
    assert "Selamat datang" in response.content.decode()


@pytest.mark.django_db
def test_the_demo_facilitator_finds_one_visit_waiting_in_their_area(capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # again: still one
    facilitator = User.objects.get(username="fasilitator")

    visit = Visit.objects.get()
    assert visit.assignee == facilitator
    assert visit.status == Visit.Status.ASSIGNED
    assert visit.reason == "Verifikasi kelayakan PBI-JK"
    assert visit.requested_by.username == "bo"
    assert visit.due == add_working_days(local_date_in(visit.household.region_id), 3)
    assert visit.household.region_id.startswith(facilitator.staff_profile.scope_id + ".")
    assert list(VisitEvent.objects.order_by("pk").values_list("visit", "action", "actor")) == [
        (visit.pk, "requested", visit.requested_by.pk),
        (visit.pk, "assigned", visit.requested_by.pk),
    ]
    out = capsys.readouterr().out
    assert f"Home visit #{visit.pk} waits for fasilitator" in out
    assert "desa (village 52.72.01.1001)" in out


@pytest.mark.django_db
def test_the_demo_facilitator_and_village_operator_read_the_village_they_work_in(client):
    call_command("seed_demo", verbosity=0)
    household = Visit.objects.get().household
    elsewhere = Household.objects.exclude(region_id="52.72.01.1001").first()

    client.force_login(User.objects.get(username="fasilitator"))
    read = client.get(reverse("households:detail", args=[household.pk]))
    client.force_login(User.objects.get(username="desa"))
    village = client.get(reverse("households:detail", args=[household.pk]))
    refused = client.get(reverse("households:detail", args=[elsewhere.pk]))

    assert household.region_id == "52.72.01.1001"
    assert read.status_code == village.status_code == 200
    assert refused.status_code == 404


@pytest.mark.django_db
def test_seed_demo_refuses_production_settings(settings):
    settings.DEBUG = False
    settings.SECRET_KEY_IS_DEVELOPMENT = False

    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")

    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_completes_a_partial_region_load():
    call_command("load_regions", prefix="52.72.01", verbosity=0)

    call_command("seed_demo", verbosity=0)

    assert Household.objects.filter(within_q("52.72.02", "region")).exists()


@pytest.mark.django_db
def test_seed_demo_takes_superuser_rights_from_an_existing_admin_account():
    User.objects.create_superuser("admin", password="owner-chosen-password")

    call_command("seed_demo", verbosity=0)

    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert user_roles(admin) == {Role.ADMIN}


@pytest.mark.django_db
def test_seed_demo_ends_with_the_password_and_the_address_its_emails_link_to(
    capsys, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://192.0.2.7:8123"

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")

    last_lines = capsys.readouterr().out.strip().splitlines()[-2:]
    assert "slrt-demo-2026" in last_lines[0]
    assert "http://192.0.2.7:8123/" in last_lines[1]
    referral_mails = [mail for mail in mailoutbox if "Rujukan" in mail.subject]
    assert referral_mails
    assert all("http://192.0.2.7:8123/referrals/" in mail.body for mail in referral_mails)


def test_make_run_serves_and_links_to_the_same_address():
    makefile = (Path(settings_module.BASE_DIR) / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:") :].split("\n\n")[0]

    assert "SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}" in makefile
    assert run.count("$(DEMO_ENV)") == 5
    assert run.rstrip().endswith("runserver $(HOST):$(PORT)")


@pytest.mark.django_db
def test_the_demo_agency_finds_its_open_referral_with_the_whole_file(client, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # again: nothing added
    officer = User.objects.get(username="agency")
    referral = Referral.objects.get(
        agency=officer.staff_profile.agency, status__in=Referral.AT_AGENCY
    )
    file = referral_file(referral)
    required = set(referral.program.required_kinds.values_list("code", flat=True))

    assert required  # the programme asks for documents: the demo shows the checklist
    assert file.complete and file.held_codes == required
    assert referral.incomplete_note == ""  # sent with its file complete
    assert Document.objects.count() == len(required)
    documents = Document.objects.filter(pk__in=[document.pk for document in file.documents])
    for document in documents:
        stored = document.file.open("rb").read()
        assert hashlib.sha256(stored).hexdigest() == document.sha256
        if document.content_type == "application/pdf":
            assert stored.startswith(b"%PDF-") and stored.rstrip().endswith(b"%%EOF")
        else:  # a photo, re-encoded by the pipeline, with its thumbnail
            assert document.content_type == "image/jpeg" and document.thumbnail
            assert Image.open(io.BytesIO(stored)).format == "JPEG"
    client.force_login(officer)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert f"Kelengkapan berkas: {len(required)} dari {len(required)}" in page
    assert f"Referral {referral.number} " in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_village_operator_finds_the_months_proposals_of_the_village(client, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # again: the same three
    desa = User.objects.get(username="desa")
    village = desa.staff_profile.scope_id

    proposals = Proposal.objects.filter(created_by=desa).order_by("pk")
    assert [(p.kind, p.status, p.source) for p in proposals] == [
        ("new_household", "submitted", "village_operator"),
        ("new_household", "submitted", "village_operator"),
        ("correction", "draft", "village_operator"),
    ]
    assert {p.region_id for p in proposals} == {village}
    [batch] = {p.batch for p in proposals if p.status == "submitted"}
    assert (batch.region_id, batch.status) == (village, "open")
    client.force_login(desa)
    page = client.get(reverse("proposals:list")).content.decode()
    assert all(reverse("proposals:detail", args=[p.pk]) in page for p in proposals)
    assert "desa has 3 proposals to DTSEN this month" in capsys.readouterr().out
