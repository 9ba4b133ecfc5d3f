"""Messages to the resident: at registration, at each referral's outcome and at closure,
only with consent, a phone and a channel; short, in Indonesian, never a NIK or KK; through
the outbox (after commit, once per event, failed ones listed for supervisors of the area);
the console and the HTTP gateway."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint, ComplaintCategory
from complaints.resident_messages import (
    MAX_LENGTH,
    closing_text,
    message_closed,
    outcome_text,
    registration_text,
)
from complaints.services import complaint_assess, complaint_close, complaint_register
from complaints.survey import survey_url
from outbox.delivery import DeliveryError, dispatch_deliver
from outbox.models import Dispatch
from outbox.selectors import failed_dispatches_for
from outbox.services import event_key
from referrals.services import referral_transition, referrals_create
from tests.factories import staff_user

PHONE = "+6281234567890"
TOKEN = "rahasia-gerbang-sms-42"


@pytest.fixture
def register(poor_household, catalogue, django_capture_on_commit_callbacks):
    """Register a complaint of `poor_household`'s head, reachable by SMS unless told, and
    run what follows the commit."""

    def make(execute=True, **contact):
        fields = {"phone": PHONE, "contact_channel": "sms", "contact_consent": True, **contact}
        with django_capture_on_commit_callbacks(execute=execute):
            return complaint_register(
                actor=staff_user(Role.FRONT_OFFICE, scope="52.72.01"),
                household=poor_household,
                category=ComplaintCategory.objects.get(code="kesehatan-pbi"),
                channel="walk_in",
                description="Kartu KIS tidak aktif.",
                complainant=poor_household.members.first(),
                consent_given=True,
                **fields,
            )

    return make


def messages_of(complaint: Complaint):
    return Dispatch.objects.filter(topic="complaint", subject_id=complaint.pk).order_by("pk")


def test_a_registered_complaint_tells_the_resident_its_ticket_and_where_to_check_it(
    register, settings, caplog
):
    settings.SITE_URL = "https://slrt.bimakota.go.id"
    with caplog.at_level(logging.INFO, logger="outbox.gateways"):
        complaint = register()

    (message,) = messages_of(complaint)
    text = message.payload["text"]
    assert (message.kind, message.channel, message.recipients) == ("registered", "sms", [PHONE])
    assert message.status == "sent"  # the console gateway wrote it to the log
    assert complaint.ticket_number in text
    assert "https://slrt.bimakota.go.id/status/" in text
    assert text.startswith("SLRT: pengaduan Abdul Haris tercatat")  # Indonesian
    assert text in caplog.text
    assert message.idempotency_key == event_key("complaint", complaint.pk, "registered")


@pytest.mark.parametrize(
    "contact",
    [
        {"contact_channel": "none"},
        {"contact_channel": "none", "contact_consent": False},
        {"contact_channel": "none", "phone": "", "contact_consent": False},
    ],
)
def test_a_resident_not_to_be_contacted_gets_no_message(register, contact):
    complaint = register(**contact)
    assert not messages_of(complaint).exists()


def test_a_resident_is_told_nothing_for_a_registration_rolled_back(register):
    complaint = register(execute=False)
    assert messages_of(complaint).get().status == "pending"  # delivered only after commit


def test_whatsapp_is_the_channel_the_resident_chose(register):
    complaint = register(contact_channel="whatsapp")
    assert messages_of(complaint).get().channel == "whatsapp"


def test_each_referrals_outcome_and_the_closure_are_told_once(
    register,
    back_office,
    catalogue,
    officer_of,
    django_capture_on_commit_callbacks,
    client,
    settings,
):
    complaint = register()
    complaint_assess(actor=back_office, complaint=complaint,
                     needs=[{"domain": "health", "severity": 3, "notes": ""},
                            {"domain": "food", "severity": 2, "notes": ""}])  # fmt: skip
    complaint.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        served, refused = referrals_create(
            actor=back_office, complaint=complaint,
            programs=[catalogue["JAMKESDA"], catalogue["BPNT"]],
        )  # fmt: skip
    for referral, to, note in [(served, "completed", "Kartu aktif lagi, NIK 5272014102850001."),
                               (refused, "rejected", "Kuota habis.")]:  # fmt: skip
        officer = officer_of(referral.program.code)
        with django_capture_on_commit_callbacks(execute=True):
            referral_transition(actor=officer, referral=referral, to="received")
            referral_transition(actor=officer, referral=referral, to=to, note=note)
    complaint.refresh_from_db()
    assert complaint.status == "follow_up"
    with django_capture_on_commit_callbacks(execute=True):
        complaint_close(actor=back_office, complaint=complaint, closure_reason="served",
                        note="Dilayani.")  # fmt: skip
        message_closed(Complaint.objects.get(pk=complaint.pk))  # the same event again

    rows = list(messages_of(complaint))
    assert [row.kind for row in rows] == ["registered", "outcome", "outcome", "closed"]
    assert all(row.status == "sent" for row in rows)
    served_text, refused_text, closed_text = (row.payload["text"] for row in rows[1:])
    assert catalogue["JAMKESDA"].name[:20] in served_text and "dilayani" in served_text
    assert "tidak diterima" in refused_text and "Kuota" not in refused_text
    assert "5272014102850001" not in served_text  # the agency's note is never sent
    assert closed_text == closing_text(Complaint.objects.get(pk=complaint.pk))
    assert "ditutup" in closed_text
    # the satisfaction survey's link, whole, and it opens the survey
    link = survey_url(Complaint.objects.get(pk=complaint.pk))
    assert closed_text.endswith(link) and len(closed_text) <= MAX_LENGTH
    assert "Persyaratan" in client.get(link.removeprefix(settings.SITE_URL)).content.decode()


LONG = "Siti Nurhaliza binti Abdurrahman Wahid Al-Mahdi " * 6


def test_every_message_stays_within_one_sms_with_long_names(poor_household, settings):
    settings.SITE_URL = "https://slrt.dinsos.kabupaten-contoh.go.id"
    complaint = Complaint(
        pk=1, ticket_number="SLRT-5272-2026-000123", complainant_name=LONG,
        closure_reason="not_eligible", household=poor_household,
    )  # fmt: skip
    texts = [
        registration_text(complaint),
        outcome_text(complaint, program=LONG, agency=LONG, completed=True),
        outcome_text(complaint, program=LONG, agency=LONG, completed=False),
        closing_text(complaint),
    ]
    for text in texts:
        assert len(text) <= MAX_LENGTH, text
        assert "SLRT-5272-2026-000123" in text, text
    assert "Siti Nurhaliza binti" in texts[0] and "..." in texts[0]
    assert settings.SITE_URL + "/status/" in texts[0]
    assert texts[1].count("Siti Nurhaliza") == 2  # the programme's and the agency's, both cut
    assert "Siti Nurhali" in texts[2]
    settings.SITE_URL = "https://" + "x" * 300 + ".example"  # even then: never more
    assert len(registration_text(complaint)) <= MAX_LENGTH


def test_no_message_carries_a_nik_or_a_kk_number(register, poor_household):
    from households.models import Household, Person

    head = poor_household.members.first()
    Person.objects.filter(pk=head.pk).update(nik="5272010102850001")
    Household.objects.filter(pk=poor_household.pk).update(kk_number="5272012301260007")
    head.refresh_from_db()
    poor_household.refresh_from_db()
    complaint = register()
    typed = Complaint(ticket_number=complaint.ticket_number, closure_reason="served",
                      complainant_name=f"Ibu {head.nik} KK {poor_household.kk_number}")  # fmt: skip
    texts = [
        messages_of(complaint).get().payload["text"],
        registration_text(typed),
        outcome_text(typed, program=head.nik, agency=poor_household.kk_number, completed=False),
        closing_text(typed),
    ]
    for text in texts:
        assert head.nik not in text and poor_household.kk_number not in text, text
        assert not any(text.replace(" ", "")[i : i + 16].isdigit() for i in range(len(text)))


# --- the HTTP gateway ----------------------------------------------------------------------------


class Gateway:
    """An SMS provider's endpoint on 127.0.0.1: records each request, answers `status`
    (or nothing for `delay` seconds)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 202
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append({"path": self.path, "headers": dict(self.headers),
                                         "body": json.loads(body)})  # fmt: skip
                time.sleep(gateway.delay)
                try:
                    self.send_response(gateway.status)
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/messages?account=slrt"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway(settings):
    gateway = Gateway()
    settings.SLRT_SMS_GATEWAY = "http"
    settings.SLRT_SMS_GATEWAY_URL = gateway.url
    settings.SLRT_SMS_GATEWAY_TOKEN = TOKEN
    settings.SLRT_SMS_GATEWAY_TIMEOUT_SECONDS = 1.0
    yield gateway
    gateway.server.shutdown()


def test_the_http_gateway_is_posted_the_message_with_its_token_and_key(register, gateway):
    complaint = register()

    (request,) = gateway.requests
    message = messages_of(complaint).get()
    assert message.status == "sent"
    assert request["path"] == "/v1/messages?account=slrt"
    assert request["body"] == {"to": PHONE, "channel": "sms", "id": str(message.idempotency_key),
                               "text": message.payload["text"]}  # fmt: skip
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Idempotency-Key"] == str(message.idempotency_key)


@pytest.mark.parametrize("status", [500, 302, 404])
def test_a_gateway_answering_other_than_2xx_is_a_failed_attempt_without_the_token_in_logs(
    register, gateway, status, caplog
):
    gateway.status = status
    complaint = register(execute=False)
    message = messages_of(complaint).get()

    with pytest.raises(DeliveryError):
        dispatch_deliver(message.pk, attempt_id="a", last_attempt=False)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert dispatch_deliver(message.pk, attempt_id="b", last_attempt=True) == "failed"
    message.refresh_from_db()
    assert message.status == "failed" and f"HTTP {status}" in message.last_error
    assert TOKEN not in caplog.text and TOKEN not in message.last_error
    assert len(gateway.requests) == 2  # both attempts carried the same key
    assert {r["headers"]["Idempotency-Key"] for r in gateway.requests} == {
        str(message.idempotency_key)
    }


def test_a_gateway_that_does_not_answer_in_time_is_a_failed_attempt(register, gateway, caplog):
    gateway.delay = 3
    complaint = register(execute=False)
    message = messages_of(complaint).get()

    assert dispatch_deliver(message.pk, attempt_id="a", last_attempt=True) == "failed"
    message.refresh_from_db()
    assert "tidak menjawab tepat waktu" in message.last_error
    assert TOKEN not in caplog.text


def test_an_unreachable_gateway_is_a_failed_attempt(register, settings):
    settings.SLRT_SMS_GATEWAY = "http"
    settings.SLRT_SMS_GATEWAY_URL = "http://127.0.0.1:9/kirim"  # discard: nothing listens
    settings.SLRT_SMS_GATEWAY_TOKEN = TOKEN
    complaint = register()
    message = messages_of(complaint).get()
    assert message.status == "failed" and TOKEN not in message.last_error


def test_failed_messages_to_residents_are_listed_for_the_areas_supervisors_who_send_them_again(
    register, gateway, client, django_capture_on_commit_callbacks
):
    gateway.status = 503
    complaint = register()
    message = messages_of(complaint).get()
    assert message.status == "failed"
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72")
    elsewhere = staff_user(Role.SUPERVISOR, scope="52.72.02")
    assert list(failed_dispatches_for(supervisor)) == [message]
    assert list(failed_dispatches_for(elsewhere)) == []
    assert list(failed_dispatches_for(staff_user(Role.BACK_OFFICE, scope="52.72"))) == []

    client.force_login(supervisor)
    page = client.get(reverse("outbox:failed")).content.decode()
    assert complaint.ticket_number in page and "HTTP 503" in page
    assert PHONE not in page  # the number masked
    client.force_login(elsewhere)
    assert client.post(reverse("outbox:retry", args=[message.pk])).status_code == 404
    gateway.status = 200
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox:retry", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "sent"
    assert len({r["headers"]["Idempotency-Key"] for r in gateway.requests}) == 1


def test_a_message_sent_again_twice_says_so_the_second_time(
    register, gateway, client, django_capture_on_commit_callbacks
):
    """A double click: the second press found no failed message and answered 404."""
    gateway.status = 503
    message = messages_of(register()).get()
    gateway.status = 200
    client.force_login(staff_user(Role.SUPERVISOR, scope="52.72"))

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("outbox:retry", args=[message.pk]))
    second = client.post(reverse("outbox:retry", args=[message.pk]), follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "Pesan ini sudah tidak berstatus gagal." in second.content.decode()
    assert len(gateway.requests) == 2  # the failed attempt and the one retry


def test_a_persons_data_on_request_lists_the_messages_sent_to_them(register, poor_household):
    from reports.subject_access import person_data_export

    complaint = register()
    document = person_data_export(
        actor=staff_user(Role.SUPERVISOR, scope="52.72"), person=poor_household.members.first()
    )

    (listed,) = [c for c in document["complaints"] if c["ticket_number"] == complaint.ticket_number]
    (message,) = listed["messages"]
    assert (message["kind"], message["channel"], message["to"]) == ("registered", "sms", [PHONE])
    assert message["text"] == messages_of(complaint).get().payload["text"]


def test_the_complaint_s_page_shows_what_the_resident_was_told_and_whether_it_left(
    register, gateway, client
):
    gateway.status = 503
    complaint = register()
    client.force_login(staff_user(Role.FRONT_OFFICE, scope="52.72.01"))

    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()

    assert "Pesan ke warga" in page
    assert messages_of(complaint).get().payload["text"] in page
    assert "gagal" in page and "HTTP 503" in page
    silent = register(contact_channel="none")
    page = client.get(reverse("complaints:detail", args=[silent.pk])).content.decode()
    assert "Pesan ke warga" not in page
