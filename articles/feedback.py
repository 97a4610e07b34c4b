"""Reader feedback: a follow-up question or an error report, filed for the chair to triage
in the admin. Not workflow state, so it lives here and not in ``editorial.services``."""

import logging

from django.core.cache import cache

from articles.models import Feedback

logger = logging.getLogger(__name__)

RATE_LIMIT = 5  # messages per address per window
RATE_WINDOW_SECONDS = 10 * 60


def feedback_rate_limited(*, address):
    """Count one attempt from ``address`` and say whether it is over the limit. The count
    lives in the cache (atomic ``incr`` on Redis), so no address is ever stored. If the
    cache is down the form still works: better an unlimited form than a broken one."""
    key = f"feedback-rate:{address}"
    try:
        cache.add(key, 0, RATE_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW_SECONDS)
            count = 1
    except Exception:  # noqa: BLE001 - see docstring
        logger.warning("Feedback rate limit unavailable (cache unreachable).", exc_info=True)
        return False
    return count > RATE_LIMIT


def feedback_submit(*, article, revision, kind, message, email="", audience=""):
    """File one feedback item on the revision the reader was shown. No side effects
    beyond the row: the chair sees it in the admin's feedback list."""
    return Feedback.objects.create(
        article=article,
        revision=revision,
        kind=kind,
        message=message,
        email=email,
        audience=audience,
    )
