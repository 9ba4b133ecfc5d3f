"""WSGI entry point: `gunicorn slrt.wsgi`."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

application = get_wsgi_application()

if settings.SECRET_KEY_IS_DEVELOPMENT and not (settings.DEBUG or settings.TESTING):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: refusing to serve with DEBUG=false and the development key. "
        "Set SECRET_KEY in the environment or in .env."
    )
