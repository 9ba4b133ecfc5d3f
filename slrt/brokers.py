"""Celery's settings that depend on the broker, in one place for the settings module and for
the tests that publish to a broker of their choice.

- Redis: a task a dying worker held goes back to its queue after the visibility timeout.
- RabbitMQ (`amqp://`): quorum queues (replicated, kept across a broker's restart), publisher
  confirms (a publish returns once the broker holds the message), and no result backend on
  the broker (Celery has none for AMQP but RPC, which the project does not use); a task a
  dying worker held goes back at once, when its channel closes.
"""

AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")


def is_amqp(url: str) -> bool:
    return url.startswith(AMQP_SCHEMES)


def broker_settings(url: str, *, visibility_timeout: int) -> dict[str, object]:
    """Celery's settings (lower case, as `app.conf` has them) for the broker at `url`."""
    if is_amqp(url):
        return {
            "broker_transport_options": {"confirm_publish": True},
            "task_default_queue_type": "quorum",
            "task_create_missing_queue_type": "quorum",
            "result_backend": None,
        }
    return {
        "broker_transport_options": {"visibility_timeout": visibility_timeout},
        "task_default_queue_type": "classic",
        "task_create_missing_queue_type": "classic",
        "result_backend": url or None,
    }
