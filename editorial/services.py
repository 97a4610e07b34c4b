"""Every command that changes workflow state.

Each service runs in one transaction: it locks the submission row, re-checks that the
transition is allowed (state and permission), calls the django-fsm transition, saves with
``update_fields``, writes exactly one audit entry, and enqueues side effects on commit.
Services raise ``editorial.errors`` exceptions, never django-fsm's.
"""

import calendar
import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from articles.models import Article, ReviewRecord, ReviewStatus, Revision
from articles.services import article_update_details, revision_draft_for_edit, revision_update_draft
from editorial import notifications
from editorial.audit import audit_record
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import EditorialPolicy, Submission, SubmissionKind, SubmissionState

logger = logging.getLogger(__name__)

VERBS = {
    "submit": "submit",
    "start_review": "start the review of",
    "request_changes": "request changes on",
    "resubmit": "resubmit",
    "approve": "approve",
    "reject": "reject",
    "withdraw": "withdraw",
}
# The content is with the board in these states and must not change.
IN_REVIEW_STATES = (SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW)
# What readers are told while a submission is in each state (DESIGN: changes requested
# counts as under review for readers).
PUBLIC_STATUS = {
    SubmissionState.SUBMITTED: ReviewStatus.SUBMITTED,
    SubmissionState.UNDER_REVIEW: ReviewStatus.UNDER_REVIEW,
    SubmissionState.CHANGES_REQUESTED: ReviewStatus.UNDER_REVIEW,
    SubmissionState.APPROVED: ReviewStatus.APPROVED,
}


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lock(submission):
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("article", "revision")
        .get(pk=submission.pk)
    )


def _check(submission, name, actor, *, check_permission=True):
    method = getattr(submission, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"Cannot {VERBS[name]} this submission: it is {submission.get_state_display().lower()}."
        )
    if check_permission and not has_transition_perm(method, actor):
        raise NotPermitted(f"You may not {VERBS[name]} this submission.")
    return method


def _transition(*, submission, name, actor, comment="", data=None, check_permission=True):
    """Lock, re-check, transition, save, audit. Returns the locked, updated submission and
    its audit entry. Must run inside ``transaction.atomic()``."""
    locked = _lock(submission)
    method = _check(locked, name, actor, check_permission=check_permission)
    from_state = locked.state
    method()
    locked.save(update_fields=["state", "decided_at", "submitted_at", "updated_at"])
    entry = audit_record(
        actor=actor,
        action=f"submission.{name}",
        target=locked,
        article=locked.article,
        from_state=from_state,
        to_state=locked.state,
        comment=comment,
        data={"revision": locked.revision.number, **(data or {})},
    )
    _set_public_status(locked)
    return locked, entry


def _set_public_status(submission):
    article = submission.article
    status = PUBLIC_STATUS.get(submission.state)
    if status is None:  # rejected, withdrawn: readers keep what was approved, if anything
        status = (
            ReviewStatus.APPROVED if article.published_revision_id else (ReviewStatus.NOT_SUBMITTED)
        )
    Article.objects.filter(pk=article.pk).update(review_status=status)
    article.review_status = status


def _notify(entry, submission):
    """Write the authors' notifications into the outbox, in this transaction."""
    notifications.queue_author_event(entry=entry, submission=submission)


def _require_comment(comment, what):
    if not (comment or "").strip():
        raise InvalidInput(f"A comment is required to {what}.")


def _create_submission(
    *, article, revision, actor, kind, note, previous=None, check_permission=True
):
    revision.lock()
    submission = Submission(
        article=article,
        revision=revision,
        content_hash=revision.content_hash,
        kind=kind,
        previous=previous,
        author_note=note,
        submitted_by=actor or article.authors.first(),
    )
    _check(submission, "submit", actor, check_permission=check_permission)
    submission.submit()
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as error:
        raise TransitionNotAllowed("This article already has a submission in review.") from error
    return submission


def _check_revision(article, revision):
    if revision.article_id != article.pk:
        raise InvalidInput("That revision belongs to another article.")
    latest = article.revisions.order_by("-number").values_list("pk", flat=True).first()
    if revision.pk != latest:
        raise InvalidInput("Only the newest revision of an article can be submitted.")
    if revision.is_locked:
        raise TransitionNotAllowed("This revision has already been submitted.")
    if not (revision.title.strip() and revision.summary.strip() and revision.body.strip()):
        raise InvalidInput("A revision needs a question, a summary and a body to be submitted.")


def submission_submit(*, article, revision, actor, note=""):
    """Send a draft revision to review. Locks (freezes) the revision. Side effects: audit
    entry ``submission.submit``; notification on commit."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if article.submissions.open().exists():
            raise TransitionNotAllowed("This article already has a submission in review.")
        _check_revision(article, revision)
        kind = SubmissionKind.UPDATE if article.published_revision_id else SubmissionKind.NEW
        submission = _create_submission(
            article=article, revision=revision, actor=actor, kind=kind, note=note
        )
        entry = audit_record(
            actor=actor,
            action="submission.submit",
            target=submission,
            article=article,
            from_state=SubmissionState.DRAFT,
            to_state=submission.state,
            comment=note,
            data={"revision": revision.number, "content_hash": revision.content_hash},
        )
        _set_public_status(submission)
        _notify(entry, submission)
    return submission


def submission_resubmit(*, submission, revision, actor, note=""):
    """Answer "changes requested" with a new revision: the old submission becomes
    ``resubmitted`` and a new one, pinning ``revision``, is ``submitted``. One audit entry."""
    with transaction.atomic():
        locked = _lock(submission)
        _check(locked, "resubmit", actor)
        _check_revision(locked.article, revision)
        locked.resubmit()
        locked.save(update_fields=["state", "updated_at"])
        new = _create_submission(
            article=locked.article,
            revision=revision,
            actor=actor,
            kind=SubmissionKind.RESUBMISSION,
            note=note,
            previous=locked,
        )
        entry = audit_record(
            actor=actor,
            action="submission.resubmit",
            target=new,
            article=locked.article,
            from_state=SubmissionState.CHANGES_REQUESTED,
            to_state=new.state,
            comment=note,
            data={
                "previous_submission": locked.pk,
                "revision": revision.number,
                "content_hash": revision.content_hash,
            },
        )
        _set_public_status(new)
        _notify(entry, new)
    return new


def submission_start_review(*, submission, actor, check_permission=True):
    """Move a submitted revision into review. Side effects: audit entry, notification."""
    with transaction.atomic():
        locked, entry = _transition(
            submission=submission,
            name="start_review",
            actor=actor,
            check_permission=check_permission,
        )
        _notify(entry, locked)
    return locked


def submission_request_changes(*, submission, actor, comment, check_permission=True):
    """Send the submission back to its authors with ``comment`` (required)."""
    _require_comment(comment, "request changes")
    with transaction.atomic():
        locked, entry = _transition(
            submission=submission,
            name="request_changes",
            actor=actor,
            comment=comment,
            check_permission=check_permission,
        )
        _notify(entry, locked)
    return locked


def submission_reject(*, submission, actor, comment, check_permission=True):
    """Reject the submission with ``comment`` (required). An approved earlier revision
    stays live."""
    _require_comment(comment, "reject")
    with transaction.atomic():
        locked, entry = _transition(
            submission=submission,
            name="reject",
            actor=actor,
            comment=comment,
            check_permission=check_permission,
        )
        _notify(entry, locked)
    return locked


def submission_withdraw(*, submission, actor, comment=""):
    """The author (or the chair) takes the submission out of review."""
    with transaction.atomic():
        locked, entry = _transition(
            submission=submission, name="withdraw", actor=actor, comment=comment
        )
        _notify(entry, locked)
    return locked


def submission_approve(
    *, submission, actor, comment="", reviewers=None, data=None, check_permission=True
):
    """Approve the pinned revision and publish it: the article's published revision,
    status, review dates and reviewer snapshot are written in this same transaction.
    ``reviewers`` are the board members whose approval counts (default: the actor's own
    board membership, if any). Refuses if the revision's content no longer matches the
    hash pinned at submission."""
    with transaction.atomic():
        locked = _lock(submission)
        _check(locked, "approve", actor, check_permission=check_permission)
        if locked.revision.compute_content_hash() != locked.content_hash:
            raise TransitionNotAllowed(
                "The revision's content no longer matches what was submitted; not approved."
            )
        if reviewers is None:
            member = getattr(actor, "board_member", None)
            reviewers = [member] if member is not None else []
        snapshot = [member.public_snapshot() for member in reviewers]
        locked, entry = _transition(
            submission=locked,
            name="approve",
            actor=actor,
            comment=comment,
            data={"content_hash": locked.content_hash, "reviewers": snapshot, **(data or {})},
            check_permission=False,  # checked above, before the hash
        )
        _publish(locked, snapshot)
        _notify(entry, locked)
    return locked


def _publish(submission, snapshot):
    article = (
        Article.objects.select_for_update().select_related("topic").get(pk=submission.article_id)
    )
    now = submission.decided_at or timezone.now()
    months = article.topic.re_review_months or EditorialPolicy.load().re_review_months
    article.published_revision = submission.revision
    article.review_status = ReviewStatus.APPROVED
    article.first_published_at = article.first_published_at or now
    article.last_reviewed_at = now
    article.next_review_due = add_months(timezone.localdate(now), months)
    article.reviewed_by = snapshot
    article.save(
        update_fields=[
            "published_revision",
            "review_status",
            "first_published_at",
            "last_reviewed_at",
            "next_review_due",
            "reviewed_by",
        ]
    )
    ReviewRecord.objects.create(
        article=article,
        revision=submission.revision,
        approved_at=now,
        content_hash=submission.content_hash,
        reviewers=snapshot,
        is_re_review=submission.kind == SubmissionKind.RE_REVIEW,
    )


def submission_open_re_review(*, article, reason, actor=None):
    """Send the live (approved) revision back to the board: a ``re_review`` submission of
    the published revision. ``actor`` is None when the sweep does it because the next review
    is due; the chair is the actor when a reader's error report was found valid. Side
    effects: one audit entry; the chairs are told (outbox). Refused if the article is not
    published or already has a submission in review."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.published_revision_id is None:
            raise TransitionNotAllowed("Only a published article can be re-reviewed.")
        if article.submissions.open().exists():
            raise TransitionNotAllowed("This article already has a submission in review.")
        revision = article.published_revision
        submission = _create_submission(
            article=article,
            revision=revision,
            actor=actor,
            kind=SubmissionKind.RE_REVIEW,
            note=reason,
            check_permission=False,
        )
        entry = audit_record(
            actor=actor,
            action="submission.open_re_review",
            target=submission,
            article=article,
            from_state=SubmissionState.DRAFT,
            to_state=submission.state,
            comment=reason,
            data={"revision": revision.number, "content_hash": revision.content_hash},
        )
        _set_public_status(submission)
        notifications.queue_re_review(entry=entry, submission=submission)
    return submission


def article_save_draft(*, article, actor, content, references=None, topic=None, authors=None):
    """Save an author's edits as the article's draft and return that revision: the newest
    revision while it is still a draft, else a new revision copied from it, so a submitted
    or approved revision never changes (an approved one stays live until its successor is
    approved). ``content`` maps content fields to values; ``references`` (dicts), ``topic``
    and ``authors``, if given, replace what the article has.

    Refused with ``TransitionNotAllowed`` while a submission is submitted or under review:
    the board is reading that content. No audit entry: a draft is not workflow state."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        in_review = locked.submissions.filter(state__in=IN_REVIEW_STATES).order_by("-pk").first()
        if in_review is not None:
            raise TransitionNotAllowed(
                f"This article is {in_review.get_state_display().lower()}: it cannot be edited "
                "while the board reviews it. Withdraw it first if it must change now."
            )
        if topic is not None or authors is not None:
            article_update_details(
                article=locked,
                topic=topic or locked.topic,
                authors=authors if authors is not None else locked.authors.all(),
            )
        revision = revision_draft_for_edit(article=locked, actor=actor)
        return revision_update_draft(revision=revision, references=references, **content)
