"""The outbox: e-mails and signed webhooks delivered after commit, failures kept visible,
retries and the sweep, and one delivery per claim."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from programs.models import Agency
from referrals.delivery import DeliveryError, dispatch_deliver
from referrals.models import Dispatch
from referrals.selectors import failed_dispatches_for
from referrals.services import dispatch_retry, outbox_sweep, referrals_create
from tests.factories import staff_user


class Receiver:
    """A webhook endpoint on 127.0.0.1 that records what it is sent."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": self.headers, "body": body})  # any case
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/slrt"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def refer(assessed, back_office, catalogue, django_capture_on_commit_callbacks):
    """Refer and run what follows the commit (delivery, in-process here)."""

    def make(*codes, execute=True):
        with django_capture_on_commit_callbacks(execute=execute):
            return referrals_create(
                actor=back_office,
                complaint=assessed(),
                programs=[catalogue[code] for code in codes],
            )

    return make


def test_a_new_referral_is_mailed_to_the_agency_after_commit(refer):
    (referral,) = refer("BPNT")

    (message,) = mail.outbox
    assert message.to == ["kemensos@bima.example"]
    assert message.subject == f"[SLRT] Rujukan baru {referral.number} · BPNT"
    assert referral.complaint.ticket_number in message.body
    assert f"/referrals/{referral.pk}/" in message.body
    dispatch = referral.dispatches.get()
    assert (dispatch.status, dispatch.attempts) == ("sent", 1)
    assert referral.events.filter(action="delivered").count() == 1


def test_nothing_is_sent_for_a_referral_that_was_rolled_back(refer):
    refer("BPNT", execute=False)  # the commit never came: callbacks dropped

    assert mail.outbox == []


def test_a_webhook_is_signed_and_carries_its_idempotency_key(refer, catalogue, receiver):
    Agency.objects.filter(pk=catalogue["JAMKESDA"].agency_id).update(
        webhook_url=receiver.url, webhook_secret="rahasia-dinsos"
    )

    (referral,) = refer("JAMKESDA")

    (request,) = receiver.requests
    webhook = referral.dispatches.get(channel="webhook")
    headers = request["headers"]
    assert headers["Idempotency-Key"] == str(webhook.idempotency_key)
    expected = hmac.new(
        b"rahasia-dinsos", headers["X-SLRT-Timestamp"].encode() + b"." + request["body"],
        hashlib.sha256,
    ).hexdigest()  # fmt: skip
    assert headers["X-SLRT-Signature"] == f"sha256={expected}"
    payload = json.loads(request["body"])
    assert payload["event"] == "referral.referral"
    assert payload["referral"]["program"] == "JAMKESDA"
    assert payload["referral"]["household"]["head"]["name"] == "Abdul Haris"
    assert webhook.status == "sent"


def test_a_failing_webhook_is_failed_for_supervisors_who_send_it_again(
    refer, catalogue, receiver, django_capture_on_commit_callbacks
):
    Agency.objects.filter(pk=catalogue["JAMKESDA"].agency_id).update(webhook_url=receiver.url)
    receiver.status = 503

    (referral,) = refer("JAMKESDA")  # in-process, one attempt only

    webhook = referral.dispatches.get(channel="webhook")
    assert (webhook.status, webhook.attempts) == ("failed", 1)
    assert "503" in webhook.last_error
    assert referral.events.filter(action="delivery_failed").count() == 1
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72")
    assert list(failed_dispatches_for(supervisor)) == [webhook]
    assert list(failed_dispatches_for(staff_user(Role.SUPERVISOR, scope="52.72.02"))) == []

    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_retry(actor=supervisor, dispatch=webhook)

    webhook.refresh_from_db()
    assert webhook.status == "sent"
    assert len(receiver.requests) == 2
    assert {r["headers"]["Idempotency-Key"] for r in receiver.requests} == {
        str(webhook.idempotency_key)
    }


def test_a_failed_attempt_before_the_last_is_recorded_and_released(refer, catalogue, receiver):
    Agency.objects.filter(pk=catalogue["JAMKESDA"].agency_id).update(webhook_url=receiver.url)
    (referral,) = refer("JAMKESDA", execute=False)
    webhook = referral.dispatches.get(channel="webhook")
    receiver.status = 500

    with pytest.raises(DeliveryError):
        dispatch_deliver(webhook.pk, attempt_id="task-1", last_attempt=False)

    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.claimed_until) == ("pending", 1, None)


def test_a_dispatch_another_attempt_holds_is_left_to_it(refer):
    (referral,) = refer("BPNT", execute=False)
    dispatch = referral.dispatches.get()
    Dispatch.objects.filter(pk=dispatch.pk).update(
        claimed_by="task-a", claimed_until=timezone.now() + datetime.timedelta(seconds=60)
    )

    assert dispatch_deliver(dispatch.pk, attempt_id="task-b", last_attempt=False) == "skipped"
    assert mail.outbox == []
    # The same task delivered again after its worker died takes over at once.
    assert dispatch_deliver(dispatch.pk, attempt_id="task-a", last_attempt=False) == "sent"
    assert dispatch_deliver(dispatch.pk, attempt_id="task-a", last_attempt=False) == "skipped"
    assert len(mail.outbox) == 1


def test_the_sweep_sends_what_was_left_pending(refer, django_capture_on_commit_callbacks):
    (referral,) = refer("BPNT", execute=False)  # say the broker was down at the time
    later = timezone.now() + datetime.timedelta(minutes=2)

    with time_machine.travel(later, tick=False):
        assert outbox_sweep() == 1

    assert len(mail.outbox) == 1
    assert referral.dispatches.get().status == "sent"
    with time_machine.travel(later, tick=False):
        assert outbox_sweep() == 0


def test_the_sweep_leaves_fresh_dispatches_to_their_task(refer):
    refer("BPNT", execute=False)

    assert outbox_sweep() == 0
    assert mail.outbox == []
