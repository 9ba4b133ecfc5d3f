# One image for the web process, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 slrt
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=slrt:slrt . .
RUN DEBUG=false python manage.py collectstatic --noinput --verbosity 0

USER slrt
EXPOSE 8000
CMD ["gunicorn", "slrt.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
