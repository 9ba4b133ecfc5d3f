"""The outbox: e-mails and signed webhooks delivered after commit, failures kept visible,
retries and the sweep, and one delivery per claim."""

import base64
import datetime
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import standardwebhooks
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from outbox.delivery import DeliveryError, dispatch_deliver, dispatch_move
from outbox.models import Dispatch
from outbox.selectors import failed_dispatches_for
from outbox.services import dispatch_retry, outbox_sweep
from programs.models import Agency
from referrals.services import referrals_create
from tests.factories import staff_user


class Receiver:
    """A webhook endpoint on 127.0.0.1 that records what it is sent. It answers `status`,
    with `location` for a redirect; `trickle` sends the answer a byte at a time."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.location = ""
        self.trickle = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": self.headers,
                                          "body": body})  # any case  # fmt: skip
                if receiver.trickle:
                    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                        try:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.1)
                    return
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/slrt"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(autouse=True)
def _local_webhooks(settings):
    """The receivers here listen on 127.0.0.1: allowed as in the demo (tests of the
    production rule turn it off)."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True


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
    refer, catalogue, receiver, django_capture_on_commit_callbacks, client
):
    Agency.objects.filter(pk=catalogue["JAMKESDA"].agency_id).update(webhook_url=receiver.url)
    receiver.status = 503

    (referral,) = refer("JAMKESDA")  # in-process, one attempt only

    webhook = referral.dispatches.get(channel="webhook")
    assert (webhook.status, webhook.attempts) == ("failed", 1)
    assert webhook.last_error == "pengiriman gagal (HTTP 503)"
    (event,) = referral.events.filter(action="delivery_failed")
    assert event.note.endswith(": pengiriman gagal (HTTP 503)")
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72")
    assert list(failed_dispatches_for(supervisor)) == [webhook]
    client.force_login(supervisor)
    page = client.get(reverse("outbox:failed")).content.decode()
    assert "pengiriman gagal (HTTP 503)" in page
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
    # a retry is the same message to Standard Webhooks receivers too
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {str(webhook.idempotency_key)}


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


# --- Standard Webhooks signatures ------------------------------------------------------------


def webhook_to(catalogue, url: str, secret: str = "rahasia-dinsos") -> None:  # noqa: S107
    Agency.objects.filter(pk=catalogue["JAMKESDA"].agency_id).update(
        webhook_url=url, webhook_secret=secret
    )


def test_an_agency_verifies_a_delivery_with_the_standard_webhooks_library(
    refer, catalogue, receiver
):
    secret = "whsec_" + base64.b64encode(b"kunci-rahasia-dinas-sosial-bima").decode()
    webhook_to(catalogue, receiver.url, secret)

    (referral,) = refer("JAMKESDA")

    (request,) = receiver.requests
    headers = dict(request["headers"].items())
    payload = standardwebhooks.Webhook(secret).verify(request["body"], headers)
    assert payload["referral"]["id"] == referral.pk
    assert headers["webhook-id"] == str(referral.dispatches.get(channel="webhook").idempotency_key)
    tampered = request["body"].replace(b"JAMKESDA", b"PKH")
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(tampered, headers)


def test_an_older_plain_secret_verifies_as_whsec_of_its_base64(refer, catalogue, receiver):
    webhook_to(catalogue, receiver.url, "rahasia-dinsos")

    refer("JAMKESDA")

    (request,) = receiver.requests
    secret = "whsec_" + base64.b64encode(b"rahasia-dinsos").decode()
    standardwebhooks.Webhook(secret).verify(request["body"], dict(request["headers"].items()))


# --- what a delivery does not do --------------------------------------------------------------


def failed_webhook(referral) -> tuple[Dispatch, str]:
    webhook = referral.dispatches.get(channel="webhook")
    (event,) = referral.events.filter(action="delivery_failed")
    return webhook, event.note


def test_a_redirect_is_not_followed_and_is_a_failed_attempt(refer, catalogue, receiver):
    receiver.status, receiver.location = 302, f"http://127.0.0.1:{receiver.port}/elsewhere"
    webhook_to(catalogue, receiver.url)

    (referral,) = refer("JAMKESDA")

    assert [r["path"] for r in receiver.requests] == ["/slrt"]  # never /elsewhere
    webhook, note = failed_webhook(referral)
    assert (webhook.status, webhook.last_error) == ("failed", "pengiriman gagal (HTTP 302)")
    assert note.endswith(": pengiriman gagal (HTTP 302)")


def test_a_receiver_trickling_its_answer_is_cut_at_the_attempts_deadline(
    refer, catalogue, receiver, settings
):
    # 40 bytes, one each 0.1 s: every read gets a byte in time, the whole answer does not
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    receiver.trickle = True
    webhook_to(catalogue, receiver.url)

    (referral,) = refer("JAMKESDA")

    webhook, _note = failed_webhook(referral)
    assert webhook.status == "failed"
    assert webhook.last_error == "pengiriman gagal (penerima tidak menjawab tepat waktu)"


def test_an_unreachable_receiver_is_reported_without_the_networks_error(refer, catalogue, caplog):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    webhook_to(catalogue, f"http://127.0.0.1:{port}/slrt")

    (referral,) = refer("JAMKESDA")

    webhook, note = failed_webhook(referral)
    assert webhook.last_error == "pengiriman gagal (penerima tidak dapat dihubungi)"
    assert note.endswith(": pengiriman gagal (penerima tidak dapat dihubungi)")
    for shown in (webhook.last_error, note):
        assert "refused" not in shown.lower() and "errno" not in shown.lower()
    assert "ConnectionRefusedError" in caplog.text  # the server log has the whole story


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/slrt",  # http, and loopback
        "https://127.0.0.1:{port}/slrt",
        "https://[::1]:{port}/slrt",
        "https://localhost:{port}/slrt",
        "https://[::ffff:127.0.0.1]:{port}/slrt",
    ],
)
def test_in_production_a_webhook_saved_to_a_local_address_is_not_sent(
    refer, catalogue, receiver, settings, url
):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    webhook_to(catalogue, url.format(port=receiver.port))  # saved before the rule, say

    (referral,) = refer("JAMKESDA")

    assert receiver.requests == []
    webhook, _note = failed_webhook(referral)
    assert webhook.last_error == "pengiriman gagal (alamat webhook tidak diizinkan)"


def pretend_dns(monkeypatch, names: dict[str, str]) -> list[str]:
    """`socket.getaddrinfo` answering `names` (name → IPv4 address); returns the names asked."""
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_resolving_to_the_servers_own_network_is_not_sent_to(
    refer, catalogue, receiver, settings, monkeypatch
):
    """The name was public when saved; now it resolves to 127.0.0.1 (DNS rebinding)."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    pretend_dns(monkeypatch, {"rujukan.dinsos.example": "127.0.0.1"})
    webhook_to(catalogue, f"https://rujukan.dinsos.example:{receiver.port}/slrt")

    (referral,) = refer("JAMKESDA")

    assert receiver.requests == []
    webhook, _note = failed_webhook(referral)
    assert webhook.last_error == "pengiriman gagal (alamat webhook tidak diizinkan)"


def test_the_post_goes_to_the_address_resolved_once_with_the_names_host_header(
    refer, catalogue, receiver, monkeypatch
):
    asked = pretend_dns(monkeypatch, {"rujukan.dinsos.example": "127.0.0.1"})
    webhook_to(catalogue, f"http://rujukan.dinsos.example:{receiver.port}/slrt")

    (referral,) = refer("JAMKESDA")

    (request,) = receiver.requests
    assert request["headers"]["Host"] == f"rujukan.dinsos.example:{receiver.port}"
    assert asked == ["rujukan.dinsos.example"]  # resolved once, for the check and the POST
    assert referral.dispatches.get(channel="webhook").status == "sent"


# --- https: the checked address, the name's certificate ---------------------------------------

TLS = Path(__file__).parent / "tls"  # a self-signed certificate for rujukan.dinsos.example


@pytest.fixture
def tls_receiver(receiver):
    """`receiver` behind TLS with the certificate of rujukan.dinsos.example."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "receiver.pem", TLS / "receiver.key")
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
    receiver.sni = names
    return receiver


def trust_the_test_certificate(monkeypatch):
    real = ssl.create_default_context

    def create_default_context(*args, **kwargs):
        return real(*args, cafile=str(TLS / "receiver.pem"), **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", create_default_context)


def test_an_https_webhook_goes_to_the_checked_address_with_the_names_certificate(
    refer, catalogue, tls_receiver, monkeypatch
):
    pretend_dns(monkeypatch, {"rujukan.dinsos.example": "127.0.0.1"})
    trust_the_test_certificate(monkeypatch)
    webhook_to(catalogue, f"https://rujukan.dinsos.example:{tls_receiver.port}/slrt")

    (referral,) = refer("JAMKESDA")

    (request,) = tls_receiver.requests
    assert tls_receiver.sni == ["rujukan.dinsos.example"]
    assert request["headers"]["Host"] == f"rujukan.dinsos.example:{tls_receiver.port}"
    assert referral.dispatches.get(channel="webhook").status == "sent"


def test_an_https_receiver_whose_certificate_is_not_trusted_gets_nothing(
    refer, catalogue, tls_receiver, monkeypatch
):
    pretend_dns(monkeypatch, {"rujukan.dinsos.example": "127.0.0.1"})
    webhook_to(catalogue, f"https://rujukan.dinsos.example:{tls_receiver.port}/slrt")

    (referral,) = refer("JAMKESDA")

    assert tls_receiver.requests == []
    webhook, _note = failed_webhook(referral)
    assert webhook.last_error == "pengiriman gagal (penerima tidak dapat dihubungi)"


def test_a_message_moves_only_along_its_table_and_is_retried_once(refer):
    (referral,) = refer("BPNT", execute=False)  # not delivered yet: pending
    dispatch = referral.dispatches.get()
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72")

    with pytest.raises(ValidationError):  # a pending message is not retried
        dispatch_retry(actor=supervisor, dispatch=dispatch)
    assert dispatch_deliver(dispatch.pk, attempt_id="a", last_attempt=True) == "sent"
    assert not dispatch_move(dispatch.pk, from_status="failed", to="pending")
    with pytest.raises(ValueError, match="from sent to pending"):
        dispatch_move(dispatch.pk, from_status="sent", to="pending")

    Dispatch.objects.filter(pk=dispatch.pk).update(status="failed")
    stale = Dispatch.objects.get(pk=dispatch.pk)
    dispatch_retry(actor=supervisor, dispatch=stale)
    with pytest.raises(ValidationError):  # a second supervisor, from the same list
        dispatch_retry(actor=supervisor, dispatch=stale)

    assert referral.events.filter(action="retry").count() == 1
    assert Dispatch.objects.get(pk=dispatch.pk).status == "pending"
    assert referral.events.filter(action="delivered").count() == 1


def test_a_message_another_attempt_recorded_first_gets_no_second_delivered_event(
    refer, monkeypatch
):
    (referral,) = refer("BPNT", execute=False)
    dispatch = referral.dispatches.get()

    def sent_by_another_attempt_meanwhile(row, referral):  # this attempt's claim expired mid-send
        Dispatch.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now())

    monkeypatch.setattr("referrals.messages._send_email", sent_by_another_attempt_meanwhile)

    assert dispatch_deliver(dispatch.pk, attempt_id="a", last_attempt=True) == "sent"
    assert not referral.events.filter(action="delivered").exists()  # the other one writes it
