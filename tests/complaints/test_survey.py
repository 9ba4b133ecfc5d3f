"""The satisfaction survey (SKM, PermenPANRB 14/2017): made with its link when a complaint
is closed; answered once, by the resident's link (no sign-in, only the office's name shown,
rate-limited, no oracle) or at the desk (front and back office of the complaint's area);
the suggestion read by the staff of that area alone."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Office
from accounts.roles import Role
from complaints.models import SURVEY_ELEMENTS, PublicPage, SatisfactionSurvey, StatusLookup
from complaints.services import complaint_close
from complaints.survey import ELEMENTS, survey_answer, survey_for, survey_url
from tests.factories import staff_user

ALL_FOURS = dict.fromkeys(SURVEY_ELEMENTS, "4")


@pytest.fixture
def closed(register, front_office):
    complaint = register()
    return complaint_close(
        actor=front_office, complaint=complaint, closure_reason="handled_directly",
        note="Dijelaskan di meja layanan.",
    )  # fmt: skip


@pytest.fixture
def office(kota_bima):
    return Office.objects.create(
        region_id="52.72", name="Dinas Sosial Kota Bima", address="Jalan Soekarno-Hatta 1",
        head_name="Kepala Dinas",
    )  # fmt: skip


def link_path(complaint) -> str:
    return survey_url(complaint).removeprefix(settings.SITE_URL)


def answer_by_link(client, path, data=None, address="203.0.113.9"):
    return client.post(path, data if data is not None else ALL_FOURS, REMOTE_ADDR=address)


def test_the_elements_are_the_regulations_nine_in_order():
    assert tuple(element.field for element in ELEMENTS) == SURVEY_ELEMENTS
    assert [element.code for element in ELEMENTS] == [f"U{n}" for n in range(1, 10)]
    assert all(len(element.answers) == 4 for element in ELEMENTS)


def test_closing_a_complaint_makes_its_survey_with_an_unguessable_link(closed, register):
    survey = SatisfactionSurvey.objects.get(complaint=closed)
    other = register()
    assert len(survey.token) >= 22 and not survey.is_answered  # 128 bits, short for an SMS
    assert survey_url(closed) == f"{settings.SITE_URL}/survey/{survey.token}/"
    assert survey_for(closed) == survey  # one survey per complaint
    with pytest.raises(ValueError):
        survey_url(other)  # an open complaint has no survey yet
    assert not SatisfactionSurvey.objects.filter(complaint=other).exists()


def test_the_resident_answers_by_the_link_seeing_only_the_office(client, closed, office):
    path = link_path(closed)
    page = client.get(path, REMOTE_ADDR="203.0.113.9")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Dinas Sosial Kota Bima" in body
    assert "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan" in body
    assert "Sangat sesuai" in body and "Dikelola dengan baik" in body
    for private in (closed.ticket_number, closed.complainant.name, closed.description,
                    closed.household.address):  # fmt: skip
        assert private not in body
    assert page["Cache-Control"].startswith("max-age=0")

    done = answer_by_link(client, path, {**ALL_FOURS, "u4": "3", "suggestion": "Antrean cepat"})
    survey = SatisfactionSurvey.objects.get(complaint=closed)
    assert done.status_code == 200 and "Terima kasih" in done.content.decode()
    assert survey.scores() == [4, 4, 4, 3, 4, 4, 4, 4, 4]
    assert survey.answered_via == "link" and survey.recorded_by is None
    assert survey.suggestion == "Antrean cepat"


def neutral(response) -> str:
    """The page as the resident reads it: its CSRF token and its own address (the language
    form's way back) aside."""
    body = re.sub(
        r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode()
    )
    return re.sub(r"/survey/[^\"]*/", "/survey/PATH/", body)


def test_unknown_malformed_and_used_links_answer_alike(client, closed):
    path = link_path(closed)
    answer_by_link(client, path)
    used_get = client.get(path, REMOTE_ADDR="198.51.100.1")
    used_post = answer_by_link(client, path, address="198.51.100.2")
    unknown = client.get("/survey/" + "x" * 22 + "/", REMOTE_ADDR="198.51.100.3")
    malformed = client.get("/survey/%00%27;--/", REMOTE_ADDR="198.51.100.4")
    responses = [used_get, used_post, unknown, malformed]
    assert {response.status_code for response in responses} == {200}
    assert "tidak dapat digunakan" in neutral(used_get)
    assert len({neutral(response) for response in responses}) == 1
    assert SatisfactionSurvey.objects.get(complaint=closed).answered_via == "link"  # once


@pytest.mark.parametrize("token", ["%00" * 22, "%20" * 22, "a%00" * 11, "%C3%A9" * 22])
def test_a_link_of_a_token_s_length_but_not_its_letters_answers_as_an_unknown_one(
    client, closed, token
):
    """A NUL in the address reached the query (PostgreSQL refuses it: a server error)."""
    unknown = client.get("/survey/" + "x" * 22 + "/", REMOTE_ADDR="198.51.100.3")
    odd = client.get(f"/survey/{token}/", REMOTE_ADDR="198.51.100.4")

    assert (unknown.status_code, odd.status_code) == (200, 200)
    assert neutral(unknown) == neutral(odd)


def test_a_survey_is_answered_once_whoever_tries_again(closed, front_office):
    survey = survey_for(closed)
    survey_answer(survey=survey, scores=dict.fromkeys(SURVEY_ELEMENTS, 2), via="link")
    with pytest.raises(ValidationError):
        survey_answer(
            survey=survey, scores=dict.fromkeys(SURVEY_ELEMENTS, 4), via="desk", actor=front_office
        )
    assert survey_for(closed).scores() == [2] * 9


def test_a_missing_or_out_of_range_answer_is_refused_at_its_field(client, closed):
    path = link_path(closed)
    response = answer_by_link(client, path, {**ALL_FOURS, "u3": "5", "u7": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("Pilih salah satu dari empat jawaban.") == 2
    assert not survey_for(closed).is_answered  # nothing half-saved
    with pytest.raises(ValidationError) as refused:
        survey_answer(survey=survey_for(closed), scores={**dict.fromkeys(SURVEY_ELEMENTS, 1),
                      "u9": True}, via="link")  # fmt: skip
    assert set(refused.value.message_dict) == {"u9"}


def test_the_survey_page_is_rate_limited_per_address_without_keeping_the_token(
    client, closed, settings
):
    settings.SLRT_STATUS_PER_ADDRESS = 2
    path = link_path(closed)
    token = survey_for(closed).token
    assert client.get(path, REMOTE_ADDR="192.0.2.5").status_code == 200
    assert client.get(path, REMOTE_ADDR="192.0.2.5").status_code == 200
    assert client.get(path, REMOTE_ADDR="192.0.2.5").status_code == 429
    assert client.get(path, REMOTE_ADDR="192.0.2.6").status_code == 200  # another address
    # The status check keeps its own count: the survey's look-ups do not spend it.
    assert client.get("/status/", REMOTE_ADDR="192.0.2.5").status_code == 200
    rows = StatusLookup.objects.all()
    assert rows.count() == 4 and set(rows.values_list("page", flat=True)) == {PublicPage.SURVEY}
    assert token not in " ".join(str(v) for row in rows.values() for v in row.values())


def test_the_desk_records_the_survey_of_a_closed_complaint(as_user, closed, front_office):
    client = as_user(front_office)
    url = reverse("complaints:survey", args=[closed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**ALL_FOURS, "u1": "1", "suggestion": "Ruang tunggu panas"})
    assert response.status_code == 302
    survey = survey_for(closed)
    assert survey.answered_via == "desk" and survey.recorded_by == front_office
    detail = client.get(reverse("complaints:detail", args=[closed.pk])).content.decode()
    assert "Ruang tunggu panas" in detail and "Survei kepuasan" in detail
    again = client.get(url)
    assert again.status_code == 302  # answered: back to the complaint


def test_the_desk_page_of_an_open_complaint_records_nothing(as_user, register, front_office):
    open_complaint = register()
    client = as_user(front_office)
    url = reverse("complaints:survey", args=[open_complaint.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, ALL_FOURS).status_code == 200
    assert not SatisfactionSurvey.objects.exists()


def test_the_desk_page_keeps_to_the_area_and_the_desk_roles(as_user, closed, kota_bima):
    url = reverse("complaints:survey", args=[closed.pk])
    elsewhere = staff_user(Role.BACK_OFFICE, "52.72.02")
    assert as_user(elsewhere).get(url).status_code == 404
    assert as_user(elsewhere).post(url, ALL_FOURS).status_code == 404
    supervisor = staff_user(Role.SUPERVISOR, "52.72.01")
    assert as_user(supervisor).post(url, ALL_FOURS).status_code == 403
    assert not survey_for(closed).is_answered


def test_the_suggestion_is_shown_to_the_area_only(as_user, client, closed, kota_bima):
    survey_answer(survey=survey_for(closed), scores=dict.fromkeys(SURVEY_ELEMENTS, 3),
                  suggestion="Petugas ramah sekali", via="link")  # fmt: skip
    inside = staff_user(Role.SUPERVISOR, "52.72.01")
    detail = reverse("complaints:detail", args=[closed.pk])
    assert "Petugas ramah sekali" in as_user(inside).get(detail).content.decode()
    outside = as_user(staff_user(Role.SUPERVISOR, "52.72.02")).get(detail)
    assert outside.status_code == 404 and "Petugas ramah sekali" not in outside.content.decode()
