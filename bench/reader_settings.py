"""Settings for bench_reader_page.py: production settings (DEBUG off, Redis cache,
whitenoise, security middleware), its own database, and a URLconf that adds the constant
page the article page is compared with. Never used by the site itself."""

import tempfile
from pathlib import Path

from config.settings.production import *  # noqa: F403
from config.settings.production import CACHES, INSTALLED_APPS

ROOT_URLCONF = "bench.reader_urls"
# The benchmark seeds the demo, which production settings leave out.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
# The cache is shared with whatever else uses this Redis database: keep to our own keys.
CACHES["default"]["KEY_PREFIX"] = "bench-reader"
# Seeding the demo queues notifications; none may reach a real broker or mailbox.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# Production serves collected static files; the benchmark collects them here.
STATIC_ROOT = Path(tempfile.gettempdir()) / "imprimatur-bench-static"
