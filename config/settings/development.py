"""Development: the embedded default of `make run` (SQLite, no Redis needed)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-used-in-production")

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock up front, so two writers serialize
    # instead of failing with "database is locked" halfway through a service.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # The board view's covering index (INCLUDE columns) is a PostgreSQL speed-up; SQLite
    # builds the index without them, which is all the demo needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Review records and audit checkpoints are signed with a key made on first use (git-ignored).
SIGNING_KEY_FILE = env.str("SIGNING_KEY_FILE", default=str(BASE_DIR / "var" / "signing-key.pem"))
SIGNING_KEY_AUTOCREATE = True

# The demo (`manage.py seed_demo`) exists in development and tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

# Webhook endpoints on this machine (a receiver on 127.0.0.1) are allowed here only.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=True)
