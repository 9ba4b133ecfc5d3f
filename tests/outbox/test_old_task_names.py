"""The outbox's tasks kept their old names (`referrals.tasks.*`) for one release: a message
queued under one before the upgrade is still delivered, with the same retries."""

from outbox import tasks as outbox_tasks
from referrals import tasks as referral_tasks
from referrals.services import referrals_create


def test_a_delivery_queued_under_the_old_name_is_still_delivered(
    assessed, back_office, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (referral,) = referrals_create(
            actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
        )
    dispatch = referral.dispatches.get()
    old = referral_tasks.deliver_dispatch
    assert old.name == "referrals.tasks.deliver_dispatch"  # what a queued message names
    assert old.max_retries == outbox_tasks.deliver_dispatch.max_retries

    assert old.apply(args=[dispatch.pk]).get() == "sent"
    dispatch.refresh_from_db()
    assert dispatch.status == "sent"
    assert referral.events.filter(action="delivered").count() == 1


def test_the_old_sweep_name_still_runs_the_sweep(db):
    assert referral_tasks.sweep_outbox.name == "referrals.tasks.sweep_outbox"
    assert referral_tasks.sweep_outbox.apply().get() == 0
