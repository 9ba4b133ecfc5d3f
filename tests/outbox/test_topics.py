"""The outbox knows its rows' records only through the topics the apps register."""

import pytest

from outbox.delivery import dispatch_deliver
from outbox.models import Dispatch
from outbox.topics import registered_topics, topic_of


def test_referrals_and_complaints_register_their_topics():
    assert {topic.name for topic in registered_topics()} >= {"referral", "complaint"}
    with pytest.raises(LookupError):
        topic_of("letter")


@pytest.mark.django_db
def test_a_message_whose_record_is_gone_is_failed_not_crashed():
    row = Dispatch.objects.create(topic="complaint", subject_id=987654, kind="closed",
                                  channel="sms", recipients=["+6281234567890"])  # fmt: skip

    assert dispatch_deliver(row.pk, attempt_id="a", last_attempt=False) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "sudah tidak ada" in row.last_error
