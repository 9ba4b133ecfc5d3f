"""The Celery application: `celery -A slrt worker` and `celery -A slrt beat`.

Settings come from Django's settings under the `CELERY_` prefix; tasks live in each app's
`tasks.py`. Without `CELERY_BROKER_URL` every task runs eagerly in the calling process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

app = Celery("slrt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
