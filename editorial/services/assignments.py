"""Assignments: inviting board members, their answers, due dates, withdrawal,
reassignment and escalation."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.actions import AuditAction
from editorial.eligibility import why_ineligible
from editorial.errors import AlreadyAssigned, InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import Assignment, AssignmentState, EditorialPolicy, SubmissionState
from editorial.notifications import compose
from editorial.roles import is_chair
from editorial.services import _core
from editorial.services.submissions import _do_start_review
from reviewers.models import BoardMember, ConflictOfInterest

MESSAGE_MAX_LENGTH = Assignment._meta.get_field("invitation_message").max_length


def covering_conflicts(member, article):
    """The article's author ids, and ``member``'s declarations that cover the article."""
    author_ids = list(article.authors.values_list("pk", flat=True))
    conflicts = (
        ConflictOfInterest.objects.covering(article=article, author_ids=author_ids)
        .filter(member=member)
        .select_related("topic", "author", "article")
    )
    return author_ids, list(conflicts)


def _check_eligible(member, submission):
    author_ids, conflicts = covering_conflicts(member, submission.article)
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


def _require_chair(actor, what):
    if not is_chair(actor):
        raise NotPermitted(f"Only the board chair can {what}.")


def assignment_create(*, submission, reviewer, actor, response_due=None, reason="", message=""):
    """Invite the board member ``reviewer`` to review ``submission``. Refuses (with a
    ``ReviewerNotEligible`` error, writing nothing) an author of the article, an inactive
    member, one with a conflict declared on its topic, an author or the article, one
    already assigned, and one at capacity. The response is due in the policy's days unless
    ``response_due`` is given. ``message`` is the chair's note to the reviewer: stored on
    the assignment and sent in the invitation. Side effects: audit entry
    ``assignment.invite``; the reviewer's invitation in the outbox."""
    _require_chair(actor, "assign reviewers")
    if response_due is not None and response_due < timezone.localdate():
        raise InvalidInput("The response due date cannot be in the past.")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            f"The invitation message is too long: {MESSAGE_MAX_LENGTH:,} characters at most."
        )
    with _core.atomic():
        locked = _core.lock(submission)
        return _do_create(
            submission=locked,
            reviewer=reviewer,
            actor=actor,
            response_due=response_due,
            reason=reason,
            message=message,
        )


def _do_create(*, submission, reviewer, actor, response_due, reason, message=""):
    """``assignment_create`` for a caller holding the submission's lock (reassignment)."""
    _core.require_transaction()
    _core.require_reviewable(submission, "assign reviewers")
    # Locking the member serializes capacity counts between two chairs assigning at once.
    member = BoardMember.objects.select_for_update().get(pk=reviewer.pk)
    _check_eligible(member, submission)
    policy = EditorialPolicy.load()
    assignment = Assignment(
        submission=submission,
        reviewer=member,
        invited_by=actor,
        invitation_message=message,
        response_due=response_due
        or timezone.localdate() + datetime.timedelta(days=policy.invitation_response_days),
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        raise AlreadyAssigned(
            f"{member.display_name} is already assigned to this submission."
        ) from error
    entry = _core.assignment_audit(
        assignment=assignment,
        submission=submission,
        actor=actor,
        action=AuditAction.ASSIGNMENT_INVITE,
        from_state="",
        comment=reason,
        data={"response_due": assignment.response_due},
    )
    compose.queue_reviewer_invitation(entry=entry, assignment=assignment)
    return assignment


def assignment_accept(*, assignment, actor):
    """The reviewer accepts: the review is due in the policy's days. The first acceptance
    moves a submitted submission to ``under_review`` (its own audit entry). Side effects:
    audit entry ``assignment.accept``."""
    with _core.atomic():
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
        method = _core.check_assignment(locked, "accept", actor)
        _core.require_reviewable(submission, "accept this invitation")
        policy = EditorialPolicy.load()
        from_state = locked.state
        method(review_due=timezone.localdate() + datetime.timedelta(days=policy.review_due_days))
        locked.save(update_fields=["state", "responded_at", "review_due", "updated_at"])
        _core.assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action=AuditAction.ASSIGNMENT_ACCEPT,
            from_state=from_state,
            data={"review_due": locked.review_due},
        )
        if submission.state == SubmissionState.SUBMITTED:
            _do_start_review(submission=submission, actor=actor)
    return locked


def assignment_decline(*, assignment, actor, reason=""):
    """The reviewer declines the invitation, optionally saying why. Side effects: audit
    entry ``assignment.decline``."""
    reason = reason.strip()
    with _core.atomic():
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
        method = _core.check_assignment(locked, "decline", actor)
        from_state = locked.state
        method(reason=reason)
        locked.save(update_fields=["state", "responded_at", "close_reason", "updated_at"])
        _core.assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action=AuditAction.ASSIGNMENT_DECLINE,
            from_state=from_state,
            comment=reason,
        )
    return locked


def assignment_withdraw(*, assignment, actor, reason=""):
    """The chair takes an open assignment back. Side effects: audit entry
    ``assignment.withdraw``; the reviewer is told (outbox)."""
    with _core.atomic():
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
        _core.check_assignment(locked, "withdraw", actor)
        return _core.withdraw_locked(
            assignment=locked, submission=submission, actor=actor, reason=reason.strip()
        )


def assignment_reassign(*, assignment, reviewer, actor, reason=""):
    """Withdraw ``assignment`` and invite ``reviewer`` in its place, in one transaction
    (two audit entries). Nothing changes if the new reviewer is not eligible."""
    _require_chair(actor, "reassign a review")
    with _core.atomic():
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
        _core.check_assignment(locked, "withdraw", actor)
        withdrawn = _core.withdraw_locked(
            assignment=locked,
            submission=submission,
            actor=actor,
            reason=reason.strip() or "Reassigned.",
        )
        return _do_create(
            submission=submission,
            reviewer=reviewer,
            actor=actor,
            response_due=None,
            reason=f"Replaces {withdrawn.reviewer.display_name}.",
        )


def assignment_set_due_dates(*, assignment, actor, response_due=None, review_due=None):
    """The chair moves an open assignment's due dates. Side effects: audit entry
    ``assignment.set_due_dates`` with the old and new dates."""
    _require_chair(actor, "change due dates")
    with _core.nestable_atomic():
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
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
        _core.assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action=AuditAction.ASSIGNMENT_SET_DUE_DATES,
            from_state=locked.state,
            data=changes,
        )
    return locked


def assignment_escalate(*, assignment, actor=None, reason=""):
    """Mark overdue work as escalated to the chair (the reminder sweep calls this after
    its last reminder; ``actor`` ``None`` is the system). Idempotent: an escalated
    assignment is left as it is. Side effects: audit entry ``assignment.escalate``.

    Not durable: the sweep claims the escalation emails and escalates in one transaction
    of its own, so that neither happens without the other."""
    with transaction.atomic():
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
        if locked.escalated_at is not None or not locked.is_open:
            return locked
        locked.escalated_at = timezone.now()
        locked.save(update_fields=["escalated_at", "updated_at"])
        _core.assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action=AuditAction.ASSIGNMENT_ESCALATE,
            from_state=locked.state,
            comment=reason,
        )
    return locked
