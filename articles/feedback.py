"""Reader feedback: a follow-up question or an error report, filed for the chair to triage
in the admin. Not workflow state, so it lives here and not in ``editorial.services``."""

from articles.models import Feedback
from articles.throttle import rate_limited

RATE_LIMIT = 5  # messages per address per window
RATE_WINDOW_SECONDS = 10 * 60


def feedback_rate_limited(*, address):
    """Count one attempt from ``address`` and say whether it is over the limit."""
    return rate_limited(
        bucket="feedback", key=address, limit=RATE_LIMIT, window_seconds=RATE_WINDOW_SECONDS
    )


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
