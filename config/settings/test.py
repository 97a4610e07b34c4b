"""Tests: real PostgreSQL and Redis on their standard local ports (override with
DATABASE_URL and REDIS_URL)."""

import os

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imprimatur")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import BASE_DIR, INSTALLED_APPS, env  # noqa: E402

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # the demo: development and tests only
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SIGNING_KEY_FILE = str(BASE_DIR / "var" / "test-signing-key.pem")  # made on first use
SIGNING_KEY_AUTOCREATE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read emails from django.core.mail.outbox, unless a test (or a worker it starts)
# points EMAIL_URL at a real SMTP server.
if not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests of task behaviour start a real worker and switch this off; elsewhere tasks run
# in-process so that a test sees their effect.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Webhook endpoints on this machine (a receiver on 127.0.0.1) are allowed here only.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=True)
