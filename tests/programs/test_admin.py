"""Admins edit a programme's rule with validation and a preview counted in their scope."""

import json

import pytest
from django.urls import reverse

from programs.models import Agency, Enrollment, Program
from regions.models import Region
from tests.factories import AgencyFactory, HouseholdFactory, staff_user

PREVIEW = reverse("admin:programs_program_rule_preview")


@pytest.fixture
def program(kota_bima):
    return Program.objects.create(
        code="BPNT", name="Sembako", level="central", agency=AgencyFactory(),
        rule={"field": "desil", "op": "lte", "value": 5},
    )  # fmt: skip


@pytest.fixture
def households(kota_bima):
    elsewhere = Region.objects.get(code="52.72.02.1004")
    for desil in (1, 4, 8, None):
        HouseholdFactory(desil=desil)  # in 52.72.01
    HouseholdFactory(desil=2, region=elsewhere)


def preview(client, rule) -> tuple[int, dict]:
    text = rule if isinstance(rule, str) else json.dumps(rule)
    response = client.post(PREVIEW, {"rule": text})
    return response.status_code, response.json()


def test_the_preview_counts_the_households_of_the_admins_area(program, households, as_user):
    client = as_user(staff_user("admin", scope="52.72.01", is_staff=True))

    status, answer = preview(client, {"field": "desil", "op": "lte", "value": 4})

    assert status == 200
    assert (answer["matching"], answer["total"]) == (2, 4)
    assert answer["message"] == "2 dari 4 rumah tangga di wilayah Anda memenuhi aturan ini."


def test_a_city_admin_counts_the_whole_city(program, households, as_user):
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    assert preview(client, {"field": "desil", "op": "lte", "value": 4})[1]["matching"] == 3


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ('{"field": "desil", "op": "lte", "value": 4', "bukan JSON yang sah (baris 1, kolom"),
        ({"field": "umur", "op": "gte", "value": 60}, "rule.field: isian 'umur' tidak dikenal"),
        ({"enrolled": "NOPE"}, "tidak ada program NOPE"),
    ],
)
def test_a_bad_rule_gets_its_message_instead_of_a_count(program, households, as_user, rule, says):
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    status, answer = preview(client, rule)

    assert status == 400
    assert says in answer["error"]
    assert "matching" not in answer


@pytest.mark.parametrize("role", ["supervisor", "back_office"])
def test_only_those_who_edit_programmes_may_preview(program, as_user, role):
    client = as_user(staff_user(role, scope="52.72", is_staff=True))

    response = client.post(PREVIEW, {"rule": "{}"})

    assert response.status_code == 403


def test_the_preview_takes_only_posts(program, as_user):
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    assert client.get(PREVIEW).status_code == 405


def test_the_change_form_shows_the_rule_indented_with_its_preview_button(program, as_user):
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    page = client.get(reverse("admin:programs_program_change", args=[program.pk])).content
    html = page.decode()

    assert f'data-preview-url="{PREVIEW}"' in html
    assert 'data-preview-label="Pratinjau"' in html
    assert "js/rule_preview.js" in html
    assert "\n  &quot;field&quot;: &quot;desil&quot;," in html  # one key a line (any order)


def test_saving_a_malformed_rule_in_the_admin_changes_nothing(program, as_user):
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = {
        "code": "BPNT", "name": "Sembako", "level": "central", "agency": program.agency_id,
        "domains": '["food"]', "response_days": 5, "resolution_days": 60, "is_active": "on",
        "rule": '{"field": "desil", "op": "le", "value": 4}',
    }  # fmt: skip

    response = client.post(url, data)

    assert response.status_code == 200
    assert "rule.op: operator &#x27;le&#x27; tidak dikenal" in response.content.decode()
    program.refresh_from_db()
    assert program.rule == {"field": "desil", "op": "lte", "value": 5}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 5000 + "]" * 5000, "terlalu besar atau terlalu dalam"),
        ('{"field": "desil", "op": "lte", "value": ' + "9" * 5000 + "}", "terlalu besar"),
        ('{"field": "floor_area", "op": "lt", "value": NaN}', "NaN"),
        ('{"field": "floor_area", "op": "lt", "value": 1e400}', "inf di luar 0–99999.99"),
        ('{"member": {"field": "age", "op": "gte", "value": 2026}}', "di luar 0–130"),
        ('{"field": "floor_area", "op": "lt", "value": 20.0000001}', "lebih dari dua desimal"),
        ('{"not": ' * 20 + '{"field": "desil", "op": "lte", "value": 4}' + "}" * 20, "12"),
    ],
)
def test_monstrous_rules_are_refused_with_a_message_in_preview_and_save(
    program, as_user, text, says
):
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    preview = client.post(PREVIEW, {"rule": text})
    saved = client.post(
        reverse("admin:programs_program_change", args=[program.pk]),
        {"code": "BPNT", "name": "Sembako", "level": "central", "agency": program.agency_id,
         "domains": '["food"]', "response_days": 5, "resolution_days": 60, "rule": text},
    )  # fmt: skip

    assert preview.status_code == 400
    assert says in preview.json()["error"]
    assert saved.status_code == 200
    assert says in saved.content.decode()
    program.refresh_from_db()
    assert program.rule == {"field": "desil", "op": "lte", "value": 5}


# --- agencies and programmes serving beyond an administrator's area -----------------------


@pytest.fixture
def ministry(kota_bima):
    return AgencyFactory(
        name="Kementerian Sosial", level="central", region=Region.objects.get(code="52"),
        email="kemensos@example.go.id", webhook_url="https://kemensos.example.go.id/hook",
        webhook_secret="the-ministrys-signing-secret",
    )  # fmt: skip


def agency_form(agency, **changes) -> dict:
    data = {"name": agency.name, "level": agency.level, "region": agency.region_id,
            "email": agency.email, "webhook_url": agency.webhook_url,
            "webhook_secret": agency.webhook_secret, "is_active": "on"}  # fmt: skip
    return {**data, **changes}


def test_a_district_admin_cannot_redirect_a_national_agencys_mail_and_webhook(ministry, as_user):
    client = as_user(staff_user("admin", scope="52.72.01", is_staff=True))
    url = reverse("admin:programs_agency_change", args=[ministry.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url, agency_form(ministry, email="me@evil.example", webhook_url="https://evil.example/")
    )

    ministry.refresh_from_db()
    assert response.status_code == 403
    assert (ministry.email, ministry.webhook_url) == (
        "kemensos@example.go.id",
        "https://kemensos.example.go.id/hook",
    )
    assert 'name="_save"' not in page  # read-only
    assert "the-ministrys-signing-secret" not in page


@pytest.mark.parametrize("role", ["admin", "supervisor"])
@pytest.mark.parametrize("lookup", ["webhook_secret__startswith", "webhook_secret__regex"])
def test_the_agency_list_cannot_be_filtered_by_the_signing_secret(ministry, as_user, role, lookup):
    # Otherwise the count of the list reads the secret out, one character at a time.
    client = as_user(staff_user(role, scope="52.72.01", is_staff=True))
    agencies = reverse("admin:programs_agency_changelist")

    right = client.get(agencies, {lookup: "the-min"})
    wrong = client.get(agencies, {lookup: "zzz"})

    assert right.status_code == wrong.status_code == 400
    assert right.content == wrong.content


def test_an_admin_whose_area_covers_the_agency_changes_its_contact(ministry, as_user):
    client = as_user(staff_user("admin", scope="52", is_staff=True))

    response = client.post(
        reverse("admin:programs_agency_change", args=[ministry.pk]),
        agency_form(ministry, email="pusat@kemensos.example.go.id", webhook_url=""),
    )

    ministry.refresh_from_db()
    assert response.status_code == 302
    assert ministry.email == "pusat@kemensos.example.go.id"


def test_a_district_admin_adds_agencies_serving_their_district_only(kota_bima, as_user):
    client = as_user(staff_user("admin", scope="52.72.01", is_staff=True))
    form = {"name": "Puskesmas Paruga", "level": "municipal", "email": "", "webhook_url": "",
            "webhook_secret": "", "is_active": "on"}  # fmt: skip

    wider = client.post(reverse("admin:programs_agency_add"), {**form, "region": "52.72"})
    inside = client.post(reverse("admin:programs_agency_add"), {**form, "region": "52.72.01"})

    assert wider.status_code == 200  # the form again, with the field's message
    assert inside.status_code == 302
    assert list(Agency.objects.values_list("region", flat=True)) == ["52.72.01"]


def test_a_district_admin_cannot_change_a_programme_of_a_wider_agency(program, as_user):
    client = as_user(staff_user("admin", scope="52.72.01", is_staff=True))

    response = client.post(
        reverse("admin:programs_program_change", args=[program.pk]),
        {"code": "BPNT", "name": "Sembako", "level": "central", "agency": program.agency_id,
         "domains": '["food"]', "response_days": 5, "resolution_days": 60, "is_active": "on",
         "rule": '{"field": "desil", "op": "lte", "value": 10}'},
    )  # fmt: skip

    program.refresh_from_db()
    assert response.status_code == 403
    assert program.rule == {"field": "desil", "op": "lte", "value": 5}


def test_enrolments_keep_to_the_admins_area(program, as_user):
    inside = HouseholdFactory()  # 52.72.01
    outside = HouseholdFactory(region=Region.objects.get(code="52.72.02.1004"))
    Enrollment.objects.create(household=outside, program=program, source="elsewhere")
    client = as_user(staff_user("admin", scope="52.72.01", is_staff=True))
    form = {"program": program.pk, "since": "2026-01-01", "is_active": "on", "source": "x"}

    listing = client.get(reverse("admin:programs_enrollment_changelist")).content.decode()
    refused = client.post(
        reverse("admin:programs_enrollment_add"), {**form, "household": outside.pk}
    )
    added = client.post(reverse("admin:programs_enrollment_add"), {**form, "household": inside.pk})

    assert "elsewhere" not in listing and f"{outside.pk} · " not in listing
    assert refused.status_code == 200
    assert added.status_code == 302
    assert set(Enrollment.objects.values_list("household", flat=True)) == {inside.pk, outside.pk}


@pytest.mark.parametrize(
    ("domains", "says"),
    [("5", "Gunakan kode"), ("true", "Gunakan kode"), ('"food"', "Gunakan kode"),
     ("[" * 5000 + "]" * 5000, "terlalu besar atau terlalu dalam")],
    ids=["number", "bool", "text", "deep"],
)  # fmt: skip
def test_need_domains_that_are_not_a_list_of_codes_get_a_message(program, as_user, domains, says):
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    response = client.post(
        reverse("admin:programs_program_change", args=[program.pk]),
        {"code": "BPNT", "name": "Sembako", "level": "central", "agency": program.agency_id,
         "domains": domains, "response_days": 5, "resolution_days": 60,
         "rule": '{"field": "desil", "op": "lte", "value": 5}'},
    )  # fmt: skip

    assert response.status_code == 200
    assert says in response.content.decode()
    program.refresh_from_db()
    assert program.domains == []
