"""The outbox: every message the system sends (to an agency, to a resident), written in the
transaction of the change it announces and delivered by a worker after commit.

A row knows its subject only as a topic and an id (`topic` "referral" and a referral's id,
"complaint" and a complaint's id): the apps that own the subjects sit above this one and
tell it, from their `AppConfig.ready`, how their messages are sent and what a delivery
records (`outbox.topics.register_topic`)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dispatch(models.Model):
    """A message to send: delivered by a worker after commit, retried, and re-sent by the
    sweep if it was left pending. The idempotency key lets a receiver ignore a second
    delivery; a message that must be written once per event is given a key derived from
    it (`outbox.services.event_key`), which the unique index holds to one row."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("webhook")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Kind(models.TextChoices):
        # To an agency, about a referral.
        REFERRAL = "referral", _("new referral")
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")
        CANCELLED = "cancelled", _("cancellation")
        # To the resident, about their complaint.
        REGISTERED = "registered", _("complaint registered")
        OUTCOME = "outcome", _("referral's outcome")
        CLOSED = "closed", _("complaint closed")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    # What the message is about: a topic an app registered, and the id of its record.
    topic = models.CharField(_("topic"), max_length=20)
    subject_id = models.PositiveBigIntegerField(_("record"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # E-mail addresses, or a resident's phone number (E.164).
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    # What is sent, written with the row: a webhook's body, a short message's text.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The delivering task's id and how long its claim holds: a task delivered again after its
    # worker died (same id) takes over at once, any other waits for the claim to expire.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_pending_idx"),
            models.Index(fields=["topic", "subject_id"], name="dispatch_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()}"
