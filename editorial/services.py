"""Every command that changes workflow state.

Each service runs in one transaction: it locks the submission row, re-checks that the
transition is allowed (state and permission), calls the django-fsm transition, saves with
``update_fields``, writes exactly one audit entry, and enqueues side effects on commit.
Services raise ``editorial.errors`` exceptions, never django-fsm's.
"""

import calendar
import datetime
import logging
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from articles.models import (
    Article,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    ReviewRecord,
    ReviewStatus,
    Revision,
)
from articles.services import article_update_details, revision_draft_for_edit, revision_update_draft
from editorial import notifications
from editorial.audit import audit_record
from editorial.eligibility import conflict_reason, why_ineligible
from editorial.errors import (
    AlreadyAssigned,
    InvalidInput,
    NotPermitted,
    ReviewerConflicted,
    TransitionNotAllowed,
)
from editorial.models import (
    ASSIGNMENT_OPEN_STATES,
    Assignment,
    AssignmentState,
    Decision,
    DecisionOutcome,
    EditorialPolicy,
    Submission,
    SubmissionKind,
    SubmissionState,
)
from editorial.roles import is_chair
from reviewers.models import BoardMember, ConflictOfInterest

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
# What readers are told while a submission is in each state (DESIGN: changes requested
# counts as under review for readers).
# A submission in these states can be given reviewers (leaving them closes assignments);
# its content is with the board and must not change.
REVIEWABLE_STATES = (SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW)
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


def _transition(
    *,
    submission,
    name,
    actor,
    comment="",
    data=None,
    check_permission=True,
    action=None,
    already_locked=False,
):
    """Lock (unless the caller already holds the lock: ``already_locked=True``), re-check,
    transition, save, audit. Returns the locked, updated submission and its audit entry.
    A submission that leaves review closes its open assignments (each with its own audit
    entry). Must run inside ``transaction.atomic()``."""
    locked = submission if already_locked else _lock(submission)
    method = _check(locked, name, actor, check_permission=check_permission)
    from_state = locked.state
    method()
    locked.save(update_fields=["state", "decided_at", "submitted_at", "updated_at"])
    entry = audit_record(
        actor=actor,
        action=action or f"submission.{name}",
        target=locked,
        article=locked.article,
        from_state=from_state,
        to_state=locked.state,
        comment=comment,
        data={"revision": locked.revision.number, **(data or {})},
    )
    _set_public_status(locked)
    if locked.state not in REVIEWABLE_STATES:
        _close_open_assignments(
            submission=locked,
            actor=actor,
            reason=f"The submission is {locked.get_state_display().lower()}.",
        )
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
    *, article, revision, actor, kind, note, action, previous=None, check_permission=True
):
    """Freeze ``revision`` and create its submission in ``submitted``, with its one audit
    entry (``action``) and the article's public status. Returns (submission, entry)."""
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
    entry = audit_record(
        actor=actor,
        action=action,
        target=submission,
        article=article,
        # A resubmission answers changes requested; anything else starts as a draft.
        from_state=SubmissionState.CHANGES_REQUESTED if previous else SubmissionState.DRAFT,
        to_state=submission.state,
        comment=note,
        data={
            "revision": revision.number,
            "content_hash": revision.content_hash,
            **({"previous_submission": previous.pk} if previous else {}),
        },
    )
    _set_public_status(submission)
    return submission, entry


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
        submission, entry = _create_submission(
            article=article,
            revision=revision,
            actor=actor,
            kind=kind,
            note=note,
            action="submission.submit",
        )
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
        new, entry = _create_submission(
            article=locked.article,
            revision=revision,
            actor=actor,
            kind=SubmissionKind.RESUBMISSION,
            note=note,
            action="submission.resubmit",
            previous=locked,
        )
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
    if reviewers is None:
        member = getattr(actor, "board_member", None)
        reviewers = [member] if member is not None else []
    return _approve(
        submission=submission,
        actor=actor,
        comment=comment,
        reviewers=reviewers,
        data=data,
        check_permission=check_permission,
    )


def _approve(
    *, submission, actor, comment, reviewers, data, check_permission, action="submission.approve"
):
    with transaction.atomic():
        locked = _lock(submission)
        _check(locked, "approve", actor, check_permission=check_permission)
        if locked.revision.compute_content_hash() != locked.content_hash:
            raise TransitionNotAllowed(
                "The revision's content no longer matches what was submitted; not approved."
            )
        snapshot = [member.public_snapshot() for member in reviewers]
        locked, entry = _transition(
            submission=locked,
            name="approve",
            actor=actor,
            comment=comment,
            data={"content_hash": locked.content_hash, "reviewers": snapshot, **(data or {})},
            check_permission=False,  # checked above, before the hash
            action=action,
            already_locked=True,
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
        submission, entry = _create_submission(
            article=article,
            revision=revision,
            actor=actor,
            kind=SubmissionKind.RE_REVIEW,
            note=reason,
            action="submission.open_re_review",
            check_permission=False,
        )
        notifications.queue_re_review(entry=entry, submission=submission)
    return submission


class FeedbackTriage(NamedTuple):
    feedback: Feedback
    submission: Submission  # the re-review opened, or the one already in review
    opened: bool  # False: the article was already in review, nothing new was opened


def feedback_mark_valid(*, feedback, actor, reason=""):
    """The chair finds a reader's error report valid: mark it so and send the live revision
    back to the board (``submission_open_re_review``). If the article already has a
    submission in review, the report is still marked valid and that review is the one to
    act on. Side effects: one audit entry ``feedback.mark_valid``, plus the re-review's own
    entry and the chairs' notification (outbox) when one is opened. Refused, changing
    nothing, for a question, a report already triaged, or an article not published."""
    if not is_chair(actor):
        raise NotPermitted("Only the board chair can open a re-review.")
    with transaction.atomic():
        # Lock order: the feedback, then its article (which submission_open_re_review locks
        # again: a no-op in this transaction), so the "already in review" check holds.
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
        locked.save(update_fields=["status", "updated_at"])
        open_submission = article.submissions.open().order_by("-pk").first()
        audit_record(
            actor=actor,
            action="feedback.mark_valid",
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
        submission = submission_open_re_review(article=article, reason=reason, actor=actor)
    return FeedbackTriage(feedback=locked, submission=submission, opened=True)


# --- The board: assignments, decisions, quorum, overrides, conflicts of interest --------
#
# Lock order, everywhere: the submission, then its assignments, then board members. Two
# decisions on one submission therefore run one after the other, and the second counts the
# first's approval (READ COMMITTED: every statement after the lock sees what committed).

ASSIGNMENT_VERBS = {
    "accept": "accept this invitation",
    "decline": "decline this invitation",
    "complete": "decide on this assignment",
    "withdraw": "withdraw this assignment",
}


def _lock_assignment(assignment):
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer")
        .get(pk=assignment.pk)
    )


def _lock_submission_of(assignment):
    return _lock(Submission(pk=assignment.submission_id))


def _check_assignment(assignment, name, actor, *, check_permission=True):
    method = getattr(assignment, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"Cannot {ASSIGNMENT_VERBS[name]}: it is {assignment.get_state_display().lower()}."
        )
    if check_permission and not has_transition_perm(method, actor):
        if name == "withdraw":
            raise NotPermitted("Only the board chair can withdraw an assignment.")
        raise NotPermitted(f"Only the assigned reviewer can {ASSIGNMENT_VERBS[name]}.")
    return method


def _assignment_audit(*, assignment, submission, actor, action, from_state, comment="", data=None):
    return audit_record(
        actor=actor,
        action=action,
        target=assignment,
        article=submission.article,
        from_state=from_state,
        to_state=assignment.state,
        comment=comment,
        data={
            "submission": submission.pk,
            "revision": submission.revision.number,
            "reviewer": assignment.reviewer.public_snapshot(),
            **(data or {}),
        },
    )


def _require_reviewable(submission, what):
    if submission.state not in REVIEWABLE_STATES:
        raise TransitionNotAllowed(
            f"Cannot {what}: the submission is {submission.get_state_display().lower()}."
        )


def _covering_conflicts(member, article):
    author_ids = list(article.authors.values_list("pk", flat=True))
    conflicts = (
        ConflictOfInterest.objects.covering(article=article, author_ids=author_ids)
        .filter(member=member)
        .select_related("topic", "author", "article")
    )
    return author_ids, list(conflicts)


def _check_eligible(member, submission):
    author_ids, conflicts = _covering_conflicts(member, submission.article)
    open_assignments = list(member.assignments.open().values_list("submission_id", flat=True))
    error = why_ineligible(
        member=member,
        author_ids=set(author_ids),
        conflicts=conflicts,
        open_count=len(open_assignments),
        already_assigned=submission.pk in open_assignments,
    )
    if error is not None:
        raise error


def assignment_create(
    *, submission, reviewer, actor, response_due=None, check_permission=True, reason=""
):
    """Invite the board member ``reviewer`` to review ``submission``. Refuses (with a
    ``ReviewerNotEligible`` error, writing nothing) an author of the article, an inactive
    member, one with a conflict declared on its topic, an author or the article, one
    already assigned, and one at capacity. The response is due in the policy's days unless
    ``response_due`` is given. Side effects: audit entry ``assignment.invite``; the
    reviewer's invitation in the outbox."""
    if check_permission and not is_chair(actor):
        raise NotPermitted("Only the board chair can assign reviewers.")
    today = timezone.localdate()
    if response_due is not None and response_due < today:
        raise InvalidInput("The response due date cannot be in the past.")
    with transaction.atomic():
        locked = _lock(submission)
        _require_reviewable(locked, "assign reviewers")
        # Locking the member serializes capacity counts between two chairs assigning at once.
        member = BoardMember.objects.select_for_update().get(pk=reviewer.pk)
        _check_eligible(member, locked)
        policy = EditorialPolicy.load()
        assignment = Assignment(
            submission=locked,
            reviewer=member,
            invited_by=actor,
            response_due=response_due
            or today + datetime.timedelta(days=policy.invitation_response_days),
        )
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as error:
            raise AlreadyAssigned(
                f"{member.display_name} is already assigned to this submission."
            ) from error
        entry = _assignment_audit(
            assignment=assignment,
            submission=locked,
            actor=actor,
            action="assignment.invite",
            from_state="",
            comment=reason,
            data={"response_due": assignment.response_due},
        )
        notifications.queue_reviewer_invitation(entry=entry, assignment=assignment)
    return assignment


def assignment_accept(*, assignment, actor, check_permission=True):
    """The reviewer accepts: the review is due in the policy's days. The first acceptance
    moves a submitted submission to ``under_review`` (its own audit entry). Side effects:
    audit entry ``assignment.accept``."""
    with transaction.atomic():
        submission = _lock_submission_of(assignment)
        locked = _lock_assignment(assignment)
        method = _check_assignment(locked, "accept", actor, check_permission=check_permission)
        _require_reviewable(submission, "accept this invitation")
        policy = EditorialPolicy.load()
        from_state = locked.state
        method(review_due=timezone.localdate() + datetime.timedelta(days=policy.review_due_days))
        locked.save(update_fields=["state", "responded_at", "review_due", "updated_at"])
        _assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action="assignment.accept",
            from_state=from_state,
            data={"review_due": locked.review_due},
        )
        if submission.state == SubmissionState.SUBMITTED:
            submission_start_review(submission=submission, actor=actor, check_permission=False)
    return locked


def assignment_decline(*, assignment, actor, reason="", check_permission=True):
    """The reviewer declines the invitation, optionally saying why. Side effects: audit
    entry ``assignment.decline``."""
    with transaction.atomic():
        submission = _lock_submission_of(assignment)
        locked = _lock_assignment(assignment)
        method = _check_assignment(locked, "decline", actor, check_permission=check_permission)
        from_state = locked.state
        method(reason=reason.strip())
        locked.save(update_fields=["state", "responded_at", "close_reason", "updated_at"])
        _assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action="assignment.decline",
            from_state=from_state,
            comment=reason.strip(),
        )
    return locked


def assignment_withdraw(*, assignment, actor, reason="", check_permission=True):
    """The chair takes an open assignment back. Side effects: audit entry
    ``assignment.withdraw``."""
    with transaction.atomic():
        submission = _lock_submission_of(assignment)
        locked = _withdraw_locked(
            assignment=_lock_assignment(assignment),
            submission=submission,
            actor=actor,
            reason=reason.strip(),
            check_permission=check_permission,
        )
    return locked


def _withdraw_locked(*, assignment, submission, actor, reason, check_permission, data=None):
    method = _check_assignment(assignment, "withdraw", actor, check_permission=check_permission)
    from_state = assignment.state
    method(reason=reason[:500])
    assignment.save(update_fields=["state", "closed_at", "close_reason", "updated_at"])
    entry = _assignment_audit(
        assignment=assignment,
        submission=submission,
        actor=actor,
        action="assignment.withdraw",
        from_state=from_state,
        comment=reason,
        data=data,
    )
    notifications.queue_assignment_withdrawn(entry=entry, assignment=assignment)
    return assignment


def _close_open_assignments(*, submission, actor, reason):
    """Withdraw every open assignment of ``submission`` (it left review), one audit entry
    each. The submission must be locked."""
    open_assignments = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer")
        .filter(submission=submission, state__in=ASSIGNMENT_OPEN_STATES)
        .order_by("pk")
    )
    for assignment in open_assignments:
        _withdraw_locked(
            assignment=assignment,
            submission=submission,
            actor=actor,
            reason=reason,
            check_permission=False,
            data={"automatic": True},
        )


def assignment_reassign(*, assignment, reviewer, actor, reason=""):
    """Withdraw ``assignment`` and invite ``reviewer`` in its place, in one transaction
    (two audit entries). Nothing changes if the new reviewer is not eligible."""
    if not is_chair(actor):
        raise NotPermitted("Only the board chair can reassign a review.")
    with transaction.atomic():
        submission = _lock_submission_of(assignment)
        withdrawn = _withdraw_locked(
            assignment=_lock_assignment(assignment),
            submission=submission,
            actor=actor,
            reason=reason.strip() or "Reassigned.",
            check_permission=True,
        )
        new = assignment_create(
            submission=submission,
            reviewer=reviewer,
            actor=actor,
            reason=f"Replaces {withdrawn.reviewer.display_name}.",
        )
    return new


def assignment_set_due_dates(*, assignment, actor, response_due=None, review_due=None):
    """The chair moves an open assignment's due dates. Side effects: audit entry
    ``assignment.set_due_dates`` with the old and new dates."""
    if not is_chair(actor):
        raise NotPermitted("Only the board chair can change due dates.")
    with transaction.atomic():
        submission = _lock_submission_of(assignment)
        locked = _lock_assignment(assignment)
        if not locked.is_open:
            raise TransitionNotAllowed(
                f"Cannot change due dates: the assignment is {locked.get_state_display().lower()}."
            )
        if review_due is not None and locked.state != AssignmentState.ACCEPTED:
            raise InvalidInput("A review due date is set when the reviewer accepts.")
        changes = {}
        for field, value in (("response_due", response_due), ("review_due", review_due)):
            if value is not None and value != getattr(locked, field):
                changes[field] = {"from": getattr(locked, field), "to": value}
                setattr(locked, field, value)
        if not changes:
            return locked
        locked.save(update_fields=[*changes, "updated_at"])
        _assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action="assignment.set_due_dates",
            from_state=locked.state,
            data=changes,
        )
    return locked


def assignment_escalate(*, assignment, actor=None, reason=""):
    """Mark overdue work as escalated to the chair (the reminder sweep calls this after
    its last reminder; ``actor`` ``None`` is the system). Idempotent: an escalated
    assignment is left as it is. Side effects: audit entry ``assignment.escalate``."""
    with transaction.atomic():
        submission = _lock_submission_of(assignment)
        locked = _lock_assignment(assignment)
        if locked.escalated_at is not None or not locked.is_open:
            return locked
        locked.escalated_at = timezone.now()
        locked.save(update_fields=["escalated_at", "updated_at"])
        _assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action="assignment.escalate",
            from_state=locked.state,
            comment=reason,
        )
    return locked


def assignment_decide(
    *, assignment, actor, outcome, comment="", confirmed_no_conflict=False, revision=None
):
    """The reviewer's decision on an accepted assignment: ``approve``, ``request_changes``
    or ``reject``; a comment is required unless approving, and the reviewer confirms having
    no conflict of interest. ``revision``, if given, is the one the reviewer read: a
    superseded one is refused.

    Then, in the same transaction, with the submission locked: the policy's quorum of
    approvals (with no change request or rejection on record) approves and publishes the
    revision; a change request sends it back to the authors and closes the other open
    assignments; a rejection waits for the chair (``submission_confirm_reject``).
    Side effects: audit entry ``decision.<outcome>`` (the assignment completes), plus the
    entries of whatever the decision sets off; notifications in the outbox."""
    comment = (comment or "").strip()
    if outcome not in DecisionOutcome.values:
        raise InvalidInput("Choose approve, request changes or reject.")
    if outcome != DecisionOutcome.APPROVE and not comment:
        verb = "request changes" if outcome == DecisionOutcome.REQUEST_CHANGES else "reject"
        raise InvalidInput(f"A comment is required to {verb}.")
    if not confirmed_no_conflict:
        raise InvalidInput("Confirm that you have no conflict of interest before deciding.")
    with transaction.atomic():
        submission = _lock_submission_of(assignment)
        locked = _lock_assignment(assignment)
        if Decision.objects.filter(assignment=locked).exists():
            raise TransitionNotAllowed("You have already decided on this assignment.")
        if locked.state == AssignmentState.INVITED and locked.reviewer.user_id == actor.pk:
            raise TransitionNotAllowed("Accept the invitation before deciding.")
        method = _check_assignment(locked, "complete", actor)
        if revision is not None and revision.pk != submission.revision_id:
            raise TransitionNotAllowed(
                f"Revision {revision.number} has been superseded; this review is of "
                f"revision {submission.revision.number}."
            )
        if submission.state != SubmissionState.UNDER_REVIEW:
            raise TransitionNotAllowed(
                f"Cannot decide: the submission is {submission.get_state_display().lower()}."
            )
        _, conflicts = _covering_conflicts(locked.reviewer, submission.article)
        if conflicts:
            raise ReviewerConflicted(f"You cannot decide: {conflict_reason(conflicts[0])}.")
        decision = Decision.objects.create(
            assignment=locked,
            submission=submission,
            revision=submission.revision,
            outcome=outcome,
            comment=comment,
            confirmed_no_conflict=True,
        )
        from_state = locked.state
        method()
        locked.save(update_fields=["state", "completed_at", "updated_at"])
        entry = _assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action=f"decision.{outcome}",
            from_state=from_state,
            comment=comment,
            data={"decision": decision.pk, "outcome": outcome, "confirmed_no_conflict": True},
        )
        _apply_decision(submission=submission, decision=decision, actor=actor, entry=entry)
    return decision


def _apply_decision(*, submission, decision, actor, entry):
    if decision.outcome != DecisionOutcome.REJECT:  # a rejection has its own chair email
        notifications.queue_chair_event(
            entry=entry,
            submission=submission,
            subject=f"Review decided ({decision.get_outcome_display().lower()}): {{title}}",
            message=f"{decision.assignment.reviewer.display_name} decided: "
            f"{decision.get_outcome_display()}.",
        )
    if decision.outcome == DecisionOutcome.REQUEST_CHANGES:
        submission_request_changes(
            submission=submission, actor=actor, comment=decision.comment, check_permission=False
        )
        return
    if decision.outcome == DecisionOutcome.REJECT:
        notifications.queue_chair_event(
            entry=entry,
            submission=submission,
            subject="Rejection to confirm: {title}",
            message=f"{decision.assignment.reviewer.display_name} recommends rejecting it. "
            "It stays under review until you confirm the rejection or override.",
        )
        return
    decisions = list(
        Decision.objects.filter(submission=submission)
        .select_related("assignment__reviewer")
        .order_by("created_at", "pk")
    )
    if any(other.outcome != DecisionOutcome.APPROVE for other in decisions):
        return  # a rejection awaiting the chair holds the approval back
    quorum = EditorialPolicy.load().quorum
    if len(decisions) >= quorum:
        _approve(
            submission=submission,
            actor=actor,
            comment="",
            reviewers=[other.assignment.reviewer for other in decisions],
            data={"quorum": quorum, "decisions": [other.pk for other in decisions]},
            check_permission=False,
        )


def submission_confirm_reject(*, submission, actor, comment=""):
    """The chair confirms a reviewer's recommendation to reject. The comment defaults to
    the reviewer's. Side effects: audit entry ``submission.reject``; notifications."""
    with transaction.atomic():
        locked = _lock(submission)
        rejections = list(
            Decision.objects.filter(submission=locked, outcome=DecisionOutcome.REJECT).order_by(
                "created_at"
            )
        )
        if not rejections:
            raise TransitionNotAllowed("No reviewer has recommended rejecting this submission.")
        locked, entry = _transition(
            submission=locked,
            name="reject",
            actor=actor,
            comment=comment.strip() or rejections[0].comment,
            data={"confirms_decisions": [decision.pk for decision in rejections]},
        )
        _notify(entry, locked)
    return locked


OVERRIDE_OUTCOMES = (DecisionOutcome.APPROVE, DecisionOutcome.REJECT)


def submission_override(*, submission, actor, outcome, reason):
    """The chair approves or rejects without waiting for (or against) the board, with a
    written ``reason``. An override approval names the approving reviewers so far and the
    chair. Side effects: audit entry ``submission.override_approve`` or
    ``submission.override_reject``; notifications."""
    reason = (reason or "").strip()
    if outcome not in OVERRIDE_OUTCOMES:
        raise InvalidInput("An override either approves or rejects.")
    if not actor.has_perm("editorial.decide_submission"):
        raise NotPermitted("Only the board chair can override the board.")
    with transaction.atomic():
        locked = _lock(submission)
        # A step the state does not allow is reported before a missing reason.
        _check(locked, "approve" if outcome == DecisionOutcome.APPROVE else "reject", actor)
        if not reason:
            raise InvalidInput("A written reason is required to override the board.")
        decisions = list(
            Decision.objects.filter(submission=locked).select_related("assignment__reviewer")
        )
        data = {"override": True, "decisions": [decision.pk for decision in decisions]}
        if outcome == DecisionOutcome.REJECT:
            locked, entry = _transition(
                submission=locked,
                name="reject",
                actor=actor,
                comment=reason,
                data=data,
                action="submission.override_reject",
            )
            _notify(entry, locked)
            return locked
        reviewers = [
            decision.assignment.reviewer
            for decision in decisions
            if decision.outcome == DecisionOutcome.APPROVE
        ]
        chair_member = BoardMember.objects.filter(user=actor).first()
        if chair_member is not None and chair_member not in reviewers:
            reviewers.append(chair_member)
        return _approve(
            submission=locked,
            actor=actor,
            comment=reason,
            reviewers=reviewers,
            data=data,
            check_permission=True,
            action="submission.override_approve",
        )


def conflict_declare(*, member, actor, reason, topic=None, author=None, article=None):
    """Record ``member``'s conflict of interest with exactly one of a topic, an author or
    an article (by the member, or by the chair for them). The member's open assignments
    that the conflict covers are withdrawn. Side effects: audit entry ``conflict.declare``
    and one ``assignment.withdraw`` per assignment closed."""
    reason = (reason or "").strip()
    subjects = {"topic": topic, "author": author, "article": article}
    given = [kind for kind, value in subjects.items() if value is not None]
    if len(given) != 1:
        raise InvalidInput("Declare a conflict with one topic, one author or one article.")
    if not reason:
        raise InvalidInput("Say why you have a conflict of interest.")
    if member.user_id != actor.pk and not is_chair(actor):
        raise NotPermitted("You can declare conflicts of interest only for yourself.")
    kind = given[0]
    with transaction.atomic():
        conflict = ConflictOfInterest(member=member, kind=kind, reason=reason, **subjects)
        try:
            with transaction.atomic():
                conflict.save()
        except IntegrityError as error:
            raise TransitionNotAllowed(
                f"{member.display_name} has already declared this conflict."
            ) from error
        audit_record(
            actor=actor,
            action="conflict.declare",
            target=conflict,
            article=article,
            comment=reason,
            data={
                "member": member.public_snapshot(),
                "kind": kind,
                "subject": str(conflict.subject),
            },
        )
        _withdraw_conflicted(conflict=conflict, actor=actor)
        # Taken last (submissions, then the member, as assignment_create does), so that an
        # invitation racing this declaration waits for it and then sees the conflict.
        BoardMember.objects.select_for_update().filter(pk=member.pk).first()
    return conflict


def _withdraw_conflicted(*, conflict, actor):
    covered = Assignment.objects.open().filter(reviewer=conflict.member)
    if conflict.topic_id:
        covered = covered.filter(submission__article__topic_id=conflict.topic_id)
    elif conflict.article_id:
        covered = covered.filter(submission__article_id=conflict.article_id)
    else:
        covered = covered.filter(submission__article__authors=conflict.author_id)
    for assignment in covered.distinct().only("pk", "submission_id").order_by("submission_id"):
        submission = _lock_submission_of(assignment)
        locked = _lock_assignment(assignment)
        if not locked.is_open:  # closed meanwhile by someone else
            continue
        _withdraw_locked(
            assignment=locked,
            submission=submission,
            actor=actor,
            reason="Conflict of interest declared.",
            check_permission=False,
            data={"conflict": conflict.pk},
        )


def conflict_revoke(*, conflict, actor, reason=""):
    """End a declaration (it stays on record). Side effects: audit entry
    ``conflict.revoke``."""
    with transaction.atomic():
        locked = (
            ConflictOfInterest.objects.select_for_update(of=("self",))
            .select_related("member", "topic", "author", "article")
            .get(pk=conflict.pk)
        )
        if locked.member.user_id != actor.pk and not is_chair(actor):
            raise NotPermitted("You can revoke only your own declarations.")
        if locked.revoked_at is not None:
            raise TransitionNotAllowed("This declaration was already revoked.")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="conflict.revoke",
            target=locked,
            article=locked.article,
            comment=reason.strip(),
            data={"member": locked.member.public_snapshot(), "kind": locked.kind},
        )
    return locked


POLICY_FIELDS = (
    "quorum",
    "invitation_response_days",
    "review_due_days",
    "reminder_days_before_due",
    "remind_on_due_day",
    "overdue_reminder_interval_days",
    "overdue_reminder_max",
    "re_review_months",
    "publish_pending",
    "policy_text",
)


def policy_update(*, actor, **values):
    """The chair changes the editorial policy. Side effects: audit entry
    ``policy.update`` naming each changed setting with its old and new value (the policy
    text's change is recorded without its content)."""
    if not actor.has_perm("editorial.change_editorialpolicy"):
        raise NotPermitted("Only the board chair can change the editorial policy.")
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown policy settings: {sorted(unknown)}")
    with transaction.atomic():
        EditorialPolicy.load()
        policy = EditorialPolicy.objects.select_for_update().get(pk=1)
        changes = {}
        for field, value in values.items():
            old = getattr(policy, field)
            if old != value:
                changes[field] = (
                    {"changed": True} if field == "policy_text" else {"from": old, "to": value}
                )
                setattr(policy, field, value)
        if not changes:
            return policy
        policy.full_clean()
        policy.save()
        audit_record(actor=actor, action="policy.update", target=policy, data={"changes": changes})
    return policy


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
        in_review = locked.submissions.filter(state__in=REVIEWABLE_STATES).order_by("-pk").first()
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
