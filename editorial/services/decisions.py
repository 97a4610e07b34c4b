"""Decisions: a reviewer's approve / request changes / reject, the quorum that publishes,
the chair's confirmation of a rejection and the chair's override."""

from django.utils import timezone

from editorial.actions import DECISION_ACTIONS, AuditAction
from editorial.eligibility import conflict_reason
from editorial.errors import InvalidInput, NotPermitted, ReviewerConflicted, TransitionNotAllowed
from editorial.models import (
    AssignmentState,
    Decision,
    DecisionOutcome,
    EditorialPolicy,
    SignatureMeaning,
    SubmissionState,
)
from editorial.notifications import compose
from editorial.services import _core, signatures
from editorial.services.assignments import covering_conflicts
from editorial.services.publishing import _do_approve
from editorial.services.submissions import _do_request_changes

OVERRIDE_OUTCOMES = (DecisionOutcome.APPROVE, DecisionOutcome.REJECT)


def assignment_decide(
    *,
    assignment,
    actor,
    outcome,
    password,
    comment="",
    confidential_comment="",
    checked_references=(),
    confirmed_no_conflict=False,
    revision=None,
    literature_current_through=None,
):
    """The reviewer's decision on an accepted assignment: ``approve``, ``request_changes``
    or ``reject``; a comment is required unless approving, and the reviewer confirms having
    no conflict of interest. ``revision``, if given, is the one the reviewer read: a
    superseded one is refused. The decision is e-signed: ``password`` is the reviewer's,
    re-entered (``signatures.authenticate``). An approval may say how recent the literature
    checked is (``literature_current_through``, default the day of the decision).

    Then, in the same transaction, with the submission locked: the policy's quorum of
    approvals (with no change request or rejection on record) approves and publishes the
    revision; a change request sends it back to the authors and closes the other open
    assignments; a rejection waits for the chair (``submission_confirm_reject``).
    Side effects: audit entry ``decision.<outcome>`` (the assignment completes), plus the
    entries of whatever the decision sets off; notifications in the outbox."""
    comment = (comment or "").strip()
    confidential_comment = (confidential_comment or "").strip()
    if outcome not in DecisionOutcome.values:
        raise InvalidInput("Choose approve, request changes or reject.")
    if outcome != DecisionOutcome.APPROVE and not comment:
        verb = "request changes" if outcome == DecisionOutcome.REQUEST_CHANGES else "reject"
        raise InvalidInput(f"A comment is required to {verb}.")
    if not confirmed_no_conflict:
        raise InvalidInput("Confirm that you have no conflict of interest before deciding.")
    literature = _literature_date(literature_current_through, outcome)
    signatures.authenticate(
        actor=actor, password=password, submission=assignment.submission, meaning=outcome
    )
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
        checked = _checked_positions(checked_references, submission.revision)
        decision = Decision.objects.create(
            assignment=locked,
            submission=submission,
            revision=submission.revision,
            outcome=outcome,
            comment=comment,
            confidential_comment=confidential_comment,
            checked_references=checked,
            confirmed_no_conflict=True,
            literature_current_through=literature,
        )
        signature = signatures.sign(
            actor=actor, meaning=outcome, submission=submission, decision=decision
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
            data={
                "decision": decision.pk,
                "outcome": outcome,
                "confirmed_no_conflict": True,
                "signature": signature.pk,
            },
        )
        _apply_decision(submission=submission, decision=decision, actor=actor, entry=entry)
    return decision


def _apply_decision(*, submission, decision, actor, entry):
    reviewer = decision.assignment.reviewer.display_name
    # The text itself stays in the admin: emails leave the system.
    confidential = (
        " They left confidential comments for you on the submission's page."
        if decision.confidential_comment
        else ""
    )
    if decision.outcome != DecisionOutcome.REJECT:  # a rejection has its own chair email
        compose.queue_chair_event(
            entry=entry,
            submission=submission,
            subject=f"Review decided ({decision.get_outcome_display().lower()}): {{title}}",
            message=f"{reviewer} decided: {decision.get_outcome_display()}.{confidential}",
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
            "It stays under review until you confirm the rejection or override." + confidential,
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
            # The board vouches for the literature up to the earliest date any approver gave.
            literature_current_through=min(
                other.literature_current_through or timezone.localdate(other.created_at)
                for other in decisions
            ),
        )


def _checked_positions(positions, revision):
    """The reference positions a reviewer marked as checked, sorted, each one of
    ``revision``'s references."""
    try:
        chosen = sorted({int(position) for position in positions or ()})
    except (TypeError, ValueError):
        raise InvalidInput("Mark references as checked by their numbers.") from None
    existing = set(revision.references.values_list("position", flat=True))
    unknown = [position for position in chosen if position not in existing]
    if unknown:
        raise InvalidInput(
            f"Revision {revision.number} has no reference {unknown[0]}: "
            "mark only the references it cites."
        )
    return chosen


def _literature_date(value, outcome):
    """The approver's "literature current through" date: not in the future; only an
    approval states one."""
    if outcome != DecisionOutcome.APPROVE or value is None:
        return None
    if value > timezone.localdate():
        raise InvalidInput("The literature cannot be current through a date in the future.")
    return value


def submission_confirm_reject(*, submission, actor, password, comment=""):
    """The chair confirms a reviewer's recommendation to reject, e-signed with the chair's
    re-entered ``password``. The comment defaults to the reviewer's. Side effects: audit
    entry ``submission.reject``; notifications."""
    signatures.authenticate(
        actor=actor,
        password=password,
        submission=submission,
        meaning=SignatureMeaning.CONFIRM_REJECT,
    )
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
        signature = signatures.sign(
            actor=actor, meaning=SignatureMeaning.CONFIRM_REJECT, submission=locked
        )
        entry = _core.transition(
            submission=locked,
            name="reject",
            actor=actor,
            comment=comment.strip() or rejections[0].comment,
            data={
                "confirms_decisions": [decision.pk for decision in rejections],
                "signature": signature.pk,
            },
        )
        _core.notify_authors(entry, locked)
    return locked


def submission_override(
    *, submission, actor, outcome, reason, password, literature_current_through=None
):
    """The chair approves or rejects without waiting for (or against) the board, with a
    written ``reason`` that readers (approval) or authors (rejection) are shown, e-signed
    with the chair's re-entered ``password``. An override approval names only the
    reviewers who approved; the page says the chair approved it without the quorum. Side
    effects: audit entry ``submission.override_approve`` or ``submission.override_reject``;
    notifications."""
    reason = (reason or "").strip()
    if outcome not in OVERRIDE_OUTCOMES:
        raise InvalidInput("An override either approves or rejects.")
    if not actor.has_perm("editorial.decide_submission"):
        raise NotPermitted("Only the board chair can override the board.")
    literature = _literature_date(literature_current_through, outcome)
    meaning = (
        SignatureMeaning.OVERRIDE_APPROVE
        if outcome == DecisionOutcome.APPROVE
        else SignatureMeaning.OVERRIDE_REJECT
    )
    # A step the state does not allow, or a missing reason, is no signing attempt.
    current = type(submission).objects.get(pk=submission.pk)  # the caller's may be stale
    _core.check(current, "approve" if outcome == DecisionOutcome.APPROVE else "reject", actor)
    if reason:
        signatures.authenticate(
            actor=actor, password=password, submission=submission, meaning=meaning
        )
    with _core.atomic():
        locked = _core.lock(submission)
        # A step the state does not allow is reported before a missing reason.
        _core.check(locked, "approve" if outcome == DecisionOutcome.APPROVE else "reject", actor)
        if not reason:
            raise InvalidInput("A written reason is required to override the board.")
        decisions = list(
            Decision.objects.filter(submission=locked).select_related("assignment__reviewer")
        )
        signature = signatures.sign(actor=actor, meaning=meaning, submission=locked)
        data = {
            "override": True,
            "decisions": [decision.pk for decision in decisions],
            "signature": signature.pk,
        }
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
        # Only those who approved are named as reviewers (DESIGN invariant 8).
        reviewers = [
            decision.assignment.reviewer
            for decision in decisions
            if decision.outcome == DecisionOutcome.APPROVE
        ]
        return _do_approve(
            submission=locked,
            actor=actor,
            comment=reason,
            reviewers=reviewers,
            data=data,
            action=AuditAction.SUBMISSION_OVERRIDE_APPROVE,
            literature_current_through=literature,
        )
