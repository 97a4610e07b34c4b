"""The Celery application. Workers and beat run it with ``celery -A config``."""

import os

from celery import Celery

# The same default as WSGI: a worker or beat started without DJANGO_SETTINGS_MODULE runs
# with production settings (and so refuses to start without SECRET_KEY and REDIS_URL).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("imprimatur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
