"""Triage of readers' reports: a valid error report sends the live revision back to the
board."""

from typing import NamedTuple

from django.utils import timezone

from articles.models import Article, Feedback, FeedbackKind, FeedbackStatus, ReCheck
from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import Submission
from editorial.roles import is_chair
from editorial.services import _core
from editorial.services.submissions import _do_open_re_review


class FeedbackTriage(NamedTuple):
    feedback: Feedback
    submission: Submission  # the re-review opened, or the one already in review
    opened: bool  # False: the article was already in review, nothing new was opened


def feedback_mark_valid(*, feedback, actor, reason=""):
    """The chair finds a reader's error report valid: mark it so and send the live revision
    back to the board (a re-review submission). If the article already has a submission in
    review, the report is still marked valid and that review is the one to act on. Side
    effects: one audit entry ``feedback.mark_valid``, plus the re-review's own entry and
    the chairs' notification (outbox) when one is opened. Refused, changing nothing, for a
    question, a report already triaged, or an article not published."""
    if not is_chair(actor):
        raise NotPermitted("Only the board chair can open a re-review.")
    with _core.atomic():
        # Lock order: the feedback, then its article, so the "already in review" check holds.
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.kind != FeedbackKind.ERROR:
            raise InvalidInput("Only a reader's error report can open a re-review.")
        if locked.status != FeedbackStatus.NEW:
            raise TransitionNotAllowed(
                f"This report is already triaged: {locked.get_status_display().lower()}."
            )
        article = Article.objects.select_for_update().get(pk=locked.article_id)
        if article.published_revision_id is None:
            raise TransitionNotAllowed(
                "This article is not published, so there is no live revision to re-review."
            )
        reason = (reason or "").strip() or (
            f"A reader's error report (#{locked.pk}) was found valid: {locked.message[:300]}"
        )
        locked.status = FeedbackStatus.VALID
        locked.triaged_at = locked.triaged_at or timezone.now()  # the first triage only
        locked.save(update_fields=["status", "updated_at", "triaged_at"])
        open_submission = article.submissions.open().order_by("-pk").first()
        audit_record(
            actor=actor,
            action=AuditAction.FEEDBACK_MARK_VALID,
            target=locked,
            article=article,
            from_state=FeedbackStatus.NEW,
            to_state=FeedbackStatus.VALID,
            comment=reason,
            data={
                "feedback": locked.pk,
                "reported_on_revision": locked.revision.number if locked.revision_id else None,
                "already_in_review": open_submission.pk if open_submission else None,
            },
        )
        if open_submission is not None:
            return FeedbackTriage(feedback=locked, submission=open_submission, opened=False)
        submission = _do_open_re_review(
            article=article, reason=reason, actor=actor, cause=ReCheck.READER_REPORT
        )
    return FeedbackTriage(feedback=locked, submission=submission, opened=True)
