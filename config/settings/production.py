"""Production: every secret comes from the environment; refuses to start without one, and
without a broker."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")  # no default: ImproperlyConfigured if missing
if not REDIS_URL:
    # Without a broker, tasks would run in-process and no beat would run: reminders,
    # escalations and scheduled re-reviews would silently never happen.
    raise ImproperlyConfigured(
        "Set the REDIS_URL environment variable: production needs Redis as the Celery "
        "broker and the cache."
    )

SIGNING_KEY_FILE = env.str("SIGNING_KEY_FILE", default="")
if not SIGNING_KEY_FILE or not Path(SIGNING_KEY_FILE).is_file():
    # Every approval is signed in the transaction that approves: without the key no
    # article could be approved, and no audit checkpoint signed.
    raise ImproperlyConfigured(
        "Set SIGNING_KEY_FILE to the PEM file of the Ed25519 key that signs review records "
        "and audit checkpoints (make one with: openssl genpkey -algorithm ed25519 -out FILE)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
STAFF_TWO_FACTOR_REQUIRED = env.bool("STAFF_TWO_FACTOR_REQUIRED", default=True)
