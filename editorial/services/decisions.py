"""Decisions: a reviewer's approve / request changes / reject, the quorum that publishes,
the chair's confirmation of a rejection and the chair's override."""

from editorial.actions import DECISION_ACTIONS, AuditAction
from editorial.eligibility import conflict_reason
from editorial.errors import InvalidInput, NotPermitted, ReviewerConflicted, TransitionNotAllowed
from editorial.models import (
    AssignmentState,
    Decision,
    DecisionOutcome,
    EditorialPolicy,
    SubmissionState,
)
from editorial.notifications import compose
from editorial.services import _core
from editorial.services.assignments import covering_conflicts
from editorial.services.publishing import _do_approve
from editorial.services.submissions import _do_request_changes
from reviewers.models import BoardMember

OVERRIDE_OUTCOMES = (DecisionOutcome.APPROVE, DecisionOutcome.REJECT)


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
    with _core.atomic():
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
        if Decision.objects.filter(assignment=locked).exists():
            raise TransitionNotAllowed("You have already decided on this assignment.")
        if locked.state == AssignmentState.INVITED and locked.reviewer.user_id == actor.pk:
            raise TransitionNotAllowed("Accept the invitation before deciding.")
        method = _core.check_assignment(locked, "complete", actor)
        if revision is not None and revision.pk != submission.revision_id:
            raise TransitionNotAllowed(
                f"Revision {revision.number} has been superseded; this review is of "
                f"revision {submission.revision.number}."
            )
        if submission.state != SubmissionState.UNDER_REVIEW:
            raise TransitionNotAllowed(
                f"Cannot decide: the submission is {submission.get_state_display().lower()}."
            )
        _, conflicts = covering_conflicts(locked.reviewer, submission.article)
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
        entry = _core.assignment_audit(
            assignment=locked,
            submission=submission,
            actor=actor,
            action=DECISION_ACTIONS[outcome],
            from_state=from_state,
            comment=comment,
            data={"decision": decision.pk, "outcome": outcome, "confirmed_no_conflict": True},
        )
        _apply_decision(submission=submission, decision=decision, actor=actor, entry=entry)
    return decision


def _apply_decision(*, submission, decision, actor, entry):
    reviewer = decision.assignment.reviewer.display_name
    if decision.outcome != DecisionOutcome.REJECT:  # a rejection has its own chair email
        compose.queue_chair_event(
            entry=entry,
            submission=submission,
            subject=f"Review decided ({decision.get_outcome_display().lower()}): {{title}}",
            message=f"{reviewer} decided: {decision.get_outcome_display()}.",
        )
    if decision.outcome == DecisionOutcome.REQUEST_CHANGES:
        _do_request_changes(submission=submission, actor=actor, comment=decision.comment)
        return
    if decision.outcome == DecisionOutcome.REJECT:
        compose.queue_chair_event(
            entry=entry,
            submission=submission,
            subject="Rejection to confirm: {title}",
            message=f"{reviewer} recommends rejecting it. "
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
        _do_approve(
            submission=submission,
            actor=actor,
            comment="",
            reviewers=[other.assignment.reviewer for other in decisions],
            data={"quorum": quorum, "decisions": [other.pk for other in decisions]},
        )


def submission_confirm_reject(*, submission, actor, comment=""):
    """The chair confirms a reviewer's recommendation to reject. The comment defaults to
    the reviewer's. Side effects: audit entry ``submission.reject``; notifications."""
    with _core.atomic():
        locked = _core.lock(submission)
        rejections = list(
            Decision.objects.filter(submission=locked, outcome=DecisionOutcome.REJECT).order_by(
                "created_at"
            )
        )
        if not rejections:
            raise TransitionNotAllowed("No reviewer has recommended rejecting this submission.")
        _core.check(locked, "reject", actor)
        entry = _core.transition(
            submission=locked,
            name="reject",
            actor=actor,
            comment=comment.strip() or rejections[0].comment,
            data={"confirms_decisions": [decision.pk for decision in rejections]},
        )
        _core.notify_authors(entry, locked)
    return locked


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
    with _core.atomic():
        locked = _core.lock(submission)
        # A step the state does not allow is reported before a missing reason.
        _core.check(locked, "approve" if outcome == DecisionOutcome.APPROVE else "reject", actor)
        if not reason:
            raise InvalidInput("A written reason is required to override the board.")
        decisions = list(
            Decision.objects.filter(submission=locked).select_related("assignment__reviewer")
        )
        data = {"override": True, "decisions": [decision.pk for decision in decisions]}
        if outcome == DecisionOutcome.REJECT:
            entry = _core.transition(
                submission=locked,
                name="reject",
                actor=actor,
                comment=reason,
                data=data,
                action=AuditAction.SUBMISSION_OVERRIDE_REJECT,
            )
            _core.notify_authors(entry, locked)
            return locked
        reviewers = [
            decision.assignment.reviewer
            for decision in decisions
            if decision.outcome == DecisionOutcome.APPROVE
        ]
        chair_member = BoardMember.objects.filter(user=actor).first()
        if chair_member is not None and chair_member not in reviewers:
            reviewers.append(chair_member)
        return _do_approve(
            submission=locked,
            actor=actor,
            comment=reason,
            reviewers=reviewers,
            data=data,
            action=AuditAction.SUBMISSION_OVERRIDE_APPROVE,
        )
