"""What an app tells the outbox about the messages of its records.

The outbox sits below the apps whose records its messages are about, so it never imports
them: each registers a `Topic` from its `AppConfig.ready` (`referrals` registers
"referral", `complaints` "complaint"). A topic says how to load its record, how to send
the channels the outbox does not send itself (an agency's e-mail and webhook), what a
delivery, a last failure and a supervisor's retry record in the record's story, which
records a user reaches (the failed messages they see and send again), and how a row is
named in a list."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

if TYPE_CHECKING:
    from outbox.models import Dispatch


@dataclass(frozen=True)
class Subject:
    """A record as the failed messages' list names it: a title, the page it is on, and to
    whom its message went."""

    title: str
    url: str
    recipient: str


def _nothing(*args: Any) -> None:
    return None


@dataclass(frozen=True)
class Topic:
    name: str
    # The record of a row (`dispatch.subject_id`), with what sending and describing read.
    load: Callable[[int], Any]
    # The records `user` reaches: the failed messages they see and send again.
    records_for: Callable[[AbstractBaseUser | AnonymousUser], QuerySet]
    # The rows' records as the list names them, in one query: {subject_id: Subject}.
    subjects: Callable[[Iterable[int]], Mapping[int, Subject]]
    # Channel → send(dispatch, record), for channels the outbox does not send itself; raises
    # `outbox.delivery.AttemptFailed`, `OSError`, `smtplib.SMTPException` or `ValueError`.
    senders: Mapping[str, Callable[["Dispatch", Any], None]] = field(default_factory=dict)
    # In the transaction that records the delivery, the last failure (with the reason staff
    # read), or a supervisor's retry.
    delivered: Callable[["Dispatch", Any], None] = _nothing
    failed: Callable[["Dispatch", Any, str], None] = _nothing
    retried: Callable[["Dispatch", AbstractBaseUser], None] = _nothing


_TOPICS: dict[str, Topic] = {}


def register_topic(topic: Topic) -> None:
    """Called from an app's `AppConfig.ready`: the messages about `topic.name`'s records."""
    _TOPICS[topic.name] = topic


def topic_of(name: str) -> Topic:
    try:
        return _TOPICS[name]
    except KeyError:
        raise LookupError(f"no app registered the outbox topic {name!r}") from None


def registered_topics() -> list[Topic]:
    return list(_TOPICS.values())
