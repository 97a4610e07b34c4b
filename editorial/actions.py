"""The one vocabulary of audit actions, and what each means for authors and readers.

Every audit entry's ``action`` is an ``AuditAction``; ``audit_record`` refuses anything
else. What authors are emailed, which comments the workspace shows them as feedback, and
how the admin labels an entry all derive from ``ACTIONS`` below (in the manner of
Wagtail's ``LogActionRegistry`` and Saleor's ``order/events.py``)."""

from dataclasses import dataclass

from django.db import models


class AuditAction(models.TextChoices):
    SUBMISSION_SUBMIT = "submission.submit", "Submitted for review"
    SUBMISSION_RESUBMIT = "submission.resubmit", "Resubmitted for review"
    SUBMISSION_START_REVIEW = "submission.start_review", "Review started"
    SUBMISSION_REQUEST_CHANGES = "submission.request_changes", "Changes requested"
    SUBMISSION_APPROVE = "submission.approve", "Approved and published"
    SUBMISSION_REJECT = "submission.reject", "Rejected"
    SUBMISSION_WITHDRAW = "submission.withdraw", "Withdrawn from review"
    SUBMISSION_OVERRIDE_APPROVE = (
        "submission.override_approve",
        "Approved by the board chair (override)",
    )
    SUBMISSION_OVERRIDE_REJECT = (
        "submission.override_reject",
        "Rejected by the board chair (override)",
    )
    SUBMISSION_OPEN_RE_REVIEW = "submission.open_re_review", "Re-review opened"
    ASSIGNMENT_INVITE = "assignment.invite", "Reviewer invited"
    ASSIGNMENT_ACCEPT = "assignment.accept", "Invitation accepted"
    ASSIGNMENT_DECLINE = "assignment.decline", "Invitation declined"
    ASSIGNMENT_WITHDRAW = "assignment.withdraw", "Assignment withdrawn"
    ASSIGNMENT_SET_DUE_DATES = "assignment.set_due_dates", "Due dates changed"
    ASSIGNMENT_ESCALATE = "assignment.escalate", "Escalated to the chair"
    DECISION_APPROVE = "decision.approve", "Reviewer approved"
    DECISION_REQUEST_CHANGES = "decision.request_changes", "Reviewer requested changes"
    DECISION_REJECT = "decision.reject", "Reviewer recommended rejection"
    CONFLICT_DECLARE = "conflict.declare", "Conflict of interest declared"
    CONFLICT_REVOKE = "conflict.revoke", "Conflict of interest revoked"
    POLICY_UPDATE = "policy.update", "Editorial policy changed"
    FEEDBACK_MARK_VALID = "feedback.mark_valid", "Reader's error report found valid"
    SIGNATURE_FAILED = "signature.failed", "Failed signing attempt (wrong password)"
    SIGNATURE_LOCKED = "signature.locked", "Signing locked after repeated wrong passwords"
    NOTICE_ISSUE = "notice.issue", "Notice published on the article"
    RETRACTION_RE_REVIEW = (
        "retraction.open_re_review",
        "Re-review opened: a cited study was retracted",
    )


@dataclass(frozen=True)
class ActionInfo:
    # The subject of the email the article's authors get (``{title}`` is filled in);
    # None: authors are not emailed.
    author_subject: str | None = None
    # The entry's comment is addressed to the authors: the workspace shows it as feedback.
    comment_to_authors: bool = False
    # The event changes what readers are shown (publication, re-review).
    public: bool = False
    # The entry as a sentence for the audit trail: ``{actor}`` (who acted), ``{reviewer}``
    # (the assignment's reviewer) and ``{revision}`` (its number) are filled in.
    sentence: str = "{actor}: {label}"


A = AuditAction
ACTIONS = {
    A.SUBMISSION_SUBMIT: ActionInfo(
        author_subject="Submitted for review: {title}",
        sentence="{actor} submitted revision {revision} for review",
    ),
    A.SUBMISSION_RESUBMIT: ActionInfo(
        author_subject="Resubmitted for review: {title}",
        sentence="{actor} resubmitted the article as revision {revision}",
    ),
    A.SUBMISSION_START_REVIEW: ActionInfo(
        author_subject="Review started: {title}",
        sentence="{actor} started the review of revision {revision}",
    ),
    A.SUBMISSION_REQUEST_CHANGES: ActionInfo(
        author_subject="Changes requested: {title}",
        comment_to_authors=True,
        sentence="{actor} asked the authors to change revision {revision}",
    ),
    A.SUBMISSION_APPROVE: ActionInfo(
        author_subject="Approved and published: {title}",
        public=True,
        sentence="The board approved revision {revision} and it was published",
    ),
    A.SUBMISSION_REJECT: ActionInfo(
        author_subject="Not approved: {title}",
        comment_to_authors=True,
        sentence="{actor} rejected revision {revision}",
    ),
    A.SUBMISSION_WITHDRAW: ActionInfo(
        author_subject="Withdrawn from review: {title}",
        sentence="{actor} withdrew revision {revision} from review",
    ),
    A.SUBMISSION_OVERRIDE_APPROVE: ActionInfo(
        author_subject="Approved and published: {title}",
        public=True,
        sentence="The chair, {actor}, overrode the board and approved revision {revision}",
    ),
    A.SUBMISSION_OVERRIDE_REJECT: ActionInfo(
        author_subject="Not approved: {title}",
        comment_to_authors=True,
        sentence="The chair, {actor}, overrode the board and rejected revision {revision}",
    ),
    A.SUBMISSION_OPEN_RE_REVIEW: ActionInfo(
        public=True, sentence="{actor} opened a re-review of revision {revision}"
    ),
    A.ASSIGNMENT_INVITE: ActionInfo(
        sentence="{actor} invited {reviewer} to review revision {revision}"
    ),
    A.ASSIGNMENT_ACCEPT: ActionInfo(
        sentence="{reviewer} accepted the invitation to review revision {revision}"
    ),
    A.ASSIGNMENT_DECLINE: ActionInfo(sentence="{reviewer} declined to review revision {revision}"),
    A.ASSIGNMENT_WITHDRAW: ActionInfo(
        sentence="{actor} withdrew the review of revision {revision} from {reviewer}"
    ),
    A.ASSIGNMENT_SET_DUE_DATES: ActionInfo(
        sentence="{actor} changed the due dates of {reviewer}'s review"
    ),
    A.ASSIGNMENT_ESCALATE: ActionInfo(
        sentence="{reviewer}'s overdue review of revision {revision} was escalated to the chair"
    ),
    A.DECISION_APPROVE: ActionInfo(sentence="{reviewer} approved revision {revision}"),
    A.DECISION_REQUEST_CHANGES: ActionInfo(
        sentence="{reviewer} requested changes to revision {revision}"
    ),
    A.DECISION_REJECT: ActionInfo(sentence="{reviewer} recommended rejecting revision {revision}"),
    A.CONFLICT_DECLARE: ActionInfo(sentence="{actor} declared a conflict of interest"),
    A.CONFLICT_REVOKE: ActionInfo(sentence="{actor} revoked a conflict of interest"),
    A.POLICY_UPDATE: ActionInfo(sentence="{actor} changed the editorial policy"),
    A.FEEDBACK_MARK_VALID: ActionInfo(sentence="{actor} found a reader's error report valid"),
    A.SIGNATURE_FAILED: ActionInfo(sentence="A signing attempt by {actor} failed: wrong password"),
    A.SIGNATURE_LOCKED: ActionInfo(
        sentence="Signing was locked for {actor} after repeated wrong passwords"
    ),
    A.NOTICE_ISSUE: ActionInfo(public=True, sentence="{actor} published a notice on the article"),
    A.RETRACTION_RE_REVIEW: ActionInfo(
        public=True,
        sentence="A re-review of revision {revision} was opened: a cited study was retracted",
    ),
}
del A

# A reviewer's decision, by its outcome (``DecisionOutcome`` values).
DECISION_ACTIONS = {
    "approve": AuditAction.DECISION_APPROVE,
    "request_changes": AuditAction.DECISION_REQUEST_CHANGES,
    "reject": AuditAction.DECISION_REJECT,
}

AUTHOR_EMAIL_SUBJECTS = {
    action: info.author_subject for action, info in ACTIONS.items() if info.author_subject
}
COMMENTS_TO_AUTHORS = tuple(action for action, info in ACTIONS.items() if info.comment_to_authors)
PUBLIC_ACTIONS = tuple(action for action, info in ACTIONS.items() if info.public)


def info(action):
    """The metadata of ``action`` (an ``AuditAction`` or its value)."""
    return ACTIONS[AuditAction(action)]
