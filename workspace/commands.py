"""The author's moves on the workflow: submit (or resubmit) and withdraw.

The editorial services own every state change; this module adds what the author
workspace promises on top: the checklist must be clear before a draft goes to review,
and the loser of a double click is told plainly that the article is already submitted.
"""

from django.db import transaction
from django.utils import formats

from articles.models import Article
from editorial import services
from editorial.errors import InvalidInput, TransitionNotAllowed
from editorial.models import REVIEWABLE_STATES, Submission, SubmissionState
from workspace import selectors
from workspace.checks import check_revision


class ChecklistFailed(InvalidInput):
    """The draft has checklist errors (400)."""


def _already_submitted(submission):
    when = formats.date_format(submission.submitted_at, "DATETIME_FORMAT")
    return (
        f"Already submitted: this version went to review on {when} and is "
        f"{submission.get_state_display().lower()}. Nothing was changed."
    )


def _newest_submission(article):
    return Submission.objects.filter(article=article).order_by("-submitted_at", "-pk").first()


def _is_in_review(submission, revision):
    return (
        submission is not None
        and submission.state in REVIEWABLE_STATES
        and submission.revision_id == revision.pk
    )


def submit_for_review(*, article, actor, note=""):
    """Send the article's draft to review: a resubmission if the board asked for changes,
    else a new submission. Raises ``ChecklistFailed`` if the checklist has errors and
    ``TransitionNotAllowed`` if there is no new draft to send (already submitted).

    The article row is locked from the checklist to the submission, as the draft service
    locks it to save: a co-author's save cannot slip unchecked content in between, and of
    two submits at once the second sees the first one's result."""
    try:
        with transaction.atomic():
            Article.objects.select_for_update().filter(pk=article.pk).first()
            return _submit_checked(article=article, actor=actor, note=note)
    except TransitionNotAllowed:
        revision = selectors.newest_revision(article)
        winner = _newest_submission(article)
        if revision is not None and _is_in_review(winner, revision):
            raise TransitionNotAllowed(_already_submitted(winner)) from None
        raise


def _submit_checked(*, article, actor, note):
    revision = selectors.newest_revision(article)
    newest = _newest_submission(article)
    if revision is None:
        raise InvalidInput("This article has no content to submit.")
    if revision.is_locked:
        if _is_in_review(newest, revision):
            raise TransitionNotAllowed(_already_submitted(newest))
        raise TransitionNotAllowed(
            "There is no new draft to submit: edit the article and save it to start one."
        )
    errors = check_revision(revision, revision.references.all()).errors
    if errors:
        raise ChecklistFailed(
            f"Not submitted: the checklist shows {len(errors)} "
            f"problem{'s' if len(errors) != 1 else ''} to fix first."
        )
    if newest is not None and newest.state == SubmissionState.CHANGES_REQUESTED:
        return services.submission_resubmit(
            submission=newest, revision=revision, actor=actor, note=note
        )
    return services.submission_submit(article=article, revision=revision, actor=actor, note=note)


def withdraw_from_review(*, article, actor, reason=""):
    """Take the article's open submission out of review."""
    newest = _newest_submission(article)
    if newest is None or not newest.is_open:
        raise TransitionNotAllowed(
            "This article is not in review, so there is nothing to withdraw."
        )
    return services.submission_withdraw(submission=newest, actor=actor, comment=reason)
