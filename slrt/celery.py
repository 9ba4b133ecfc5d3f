"""The Celery application: `celery -A slrt worker` and `celery -A slrt beat`.

Settings come from Django's settings under the `CELERY_` prefix; tasks live in each app's
`tasks.py`. Without `CELERY_BROKER_URL` every task runs eagerly in the calling process.
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

app = Celery("slrt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections_around_tasks(task=None, **kwargs) -> None:
    """Around each task in a worker, what Django does around each request: drop a database
    connection that is broken or older than CONN_MAX_AGE, and keep the others."""
    if task is not None and not task.request.is_eager:
        from django.db import close_old_connections

        close_old_connections()
