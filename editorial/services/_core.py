"""What every service shares: its transaction, locking a submission, checking a step,
taking it, and the audit entry that records it. Private to ``editorial.services``."""

import contextlib
import contextvars

from django.db import connection, transaction
from django_fsm import can_proceed, has_transition_perm

from articles.models import Article, ReviewStatus
from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import (
    ASSIGNMENT_OPEN_STATES,
    REVIEWABLE_STATES,
    Assignment,
    Submission,
    SubmissionState,
)
from editorial.notifications import compose

VERBS = {
    "submit": "submit",
    "start_review": "start the review of",
    "request_changes": "request changes on",
    "resubmit": "resubmit",
    "approve": "approve",
    "reject": "reject",
    "withdraw": "withdraw",
}
ASSIGNMENT_VERBS = {
    "accept": "accept this invitation",
    "decline": "decline this invitation",
    "complete": "decide on this assignment",
    "withdraw": "withdraw this assignment",
}
# What readers are told while a submission is in each state (DESIGN: changes requested
# counts as under review for readers).
PUBLIC_STATUS = {
    SubmissionState.SUBMITTED: ReviewStatus.SUBMITTED,
    SubmissionState.UNDER_REVIEW: ReviewStatus.UNDER_REVIEW,
    SubmissionState.CHANGES_REQUESTED: ReviewStatus.UNDER_REVIEW,
    SubmissionState.APPROVED: ReviewStatus.APPROVED,
}

_batch = contextvars.ContextVar("editorial_services_batch", default=False)


def atomic():
    """The transaction of a top-level service: durable, so a caller that wraps a service in
    its own transaction by mistake fails loudly instead of holding the service's side
    effects hostage to whatever it does next. ``batch()`` lifts that for one caller.

    A few services are legitimately run inside a caller's transaction and use
    ``nestable_atomic()`` instead, each saying who nests it."""
    return transaction.atomic(durable=not _batch.get())


def nestable_atomic():
    """The transaction of a service that a caller may run inside its own: the admin's
    change forms (Django saves a form in a transaction of its own: ``policy_update``,
    ``assignment_set_due_dates``, the conflict services) and the author workspace's submit,
    which holds the article's lock from its pre-submit checklist to the submission
    (``submission_submit``, ``submission_resubmit``)."""
    return transaction.atomic()


@contextlib.contextmanager
def batch():
    """Run several services in one transaction of the caller's: all commit or none do.
    The one such caller is the demo loader, which builds the whole demo or nothing."""
    token = _batch.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _batch.reset(token)


def require_transaction():
    """A ``_do_*`` twin runs inside its caller's transaction, with the caller's locks."""
    if not connection.in_atomic_block:
        raise RuntimeError("This step must run inside its caller's transaction.")


# --- Submissions --------------------------------------------------------------------


def lock(submission):
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("article", "revision")
        .get(pk=submission.pk)
    )


def lock_with_article(submission):
    """``lock``, and the article's row too, in the same query (the order every service
    takes them in: the submission, then its article), with the article's topic: for a
    step that rewrites the article's public facts (an approval)."""
    return (
        Submission.objects.select_for_update(of=("self", "article"))
        .select_related("article__topic", "revision")
        .get(pk=submission.pk)
    )


def check_state(submission, name):
    """The django-fsm method for step ``name`` if the submission's state allows it."""
    method = getattr(submission, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"Cannot {VERBS[name]} this submission: it is {submission.get_state_display().lower()}."
        )
    return method


def check_permission(submission, name, actor):
    if not has_transition_perm(getattr(submission, name), actor):
        raise NotPermitted(f"You may not {VERBS[name]} this submission.")


def check(submission, name, actor):
    """State first, then permission: a step the state does not allow is reported as such
    even to someone who may not take it."""
    method = check_state(submission, name)
    check_permission(submission, name, actor)
    return method


def transition(*, submission, name, actor, comment="", data=None, action=None):
    """Take step ``name`` on a submission the caller has locked and checked: transition,
    save, public status, audit. A submission that leaves review closes its open
    assignments (each with its own audit entry). Returns the audit entry."""
    from_state = take_step(submission=submission, name=name)
    return record_step(
        submission=submission,
        name=name,
        actor=actor,
        from_state=from_state,
        comment=comment,
        data=data,
        action=action,
    )


def take_step(*, submission, name, public_status=True):
    """The first half of ``transition``: the state change, saved, and what readers are
    told (unless the caller writes the article's public facts itself: ``public_status``
    False). No audit entry yet, so the audit chain's lock is not taken: a service does
    whatever else it can between this and ``record_step`` (which takes the lock and
    holds it to the commit), so that every other workflow write waits less. Returns the
    state it left."""
    require_transaction()
    method = check_state(submission, name)
    from_state = submission.state
    method()
    submission.save(update_fields=["state", "decided_at", "submitted_at", "updated_at"])
    if public_status:
        set_public_status(submission)
    return from_state


def record_step(
    *, submission, name, actor, from_state, comment="", data=None, action=None, entry_id=None
):
    """The second half of ``transition``: the step's audit entry (this takes the audit
    chain's lock, held until commit; ``entry_id``: its id, if reserved), then, for a
    submission that left review, its open assignments closed (their entries follow the
    step's in the chain). The assignments are read and locked before the entry, outside
    the chain's lock."""
    leaving = lock_open_assignments(submission) if submission.state not in REVIEWABLE_STATES else []
    entry = audit_record(
        actor=actor,
        action=action or AuditAction(f"submission.{name}"),
        target=submission,
        article=submission.article,
        from_state=from_state,
        to_state=submission.state,
        comment=comment,
        data={"revision": submission.revision.number, **(data or {})},
        entry_id=entry_id,
    )
    if leaving:
        withdraw_all(
            leaving,
            submission=submission,
            actor=actor,
            reason=f"The submission is {submission.get_state_display().lower()}.",
        )
    return entry


def set_public_status(submission, *, re_check=None):
    """Write what readers are told about the article's newest review cycle; a new
    submission also says why the board is looking (``re_check``), in the same UPDATE."""
    article = submission.article
    status = PUBLIC_STATUS.get(submission.state)
    if status is None:  # rejected, withdrawn: readers keep what was approved, if anything
        status = (
            ReviewStatus.APPROVED if article.published_revision_id else ReviewStatus.NOT_SUBMITTED
        )
    changes = {"review_status": status}
    if re_check is not None:
        changes["re_check"] = re_check
    Article.objects.filter(pk=article.pk).update(**changes)
    for field, value in changes.items():
        setattr(article, field, value)


def notify_authors(entry, submission):
    """Write the authors' notifications into the outbox, in this transaction."""
    compose.queue_author_event(entry=entry, submission=submission)


def require_comment(comment, what):
    if not (comment or "").strip():
        raise InvalidInput(f"A comment is required to {what}.")


def require_reviewable(submission, what):
    if submission.state not in REVIEWABLE_STATES:
        raise TransitionNotAllowed(
            f"Cannot {what}: the submission is {submission.get_state_display().lower()}."
        )


# --- Assignments --------------------------------------------------------------------
#
# Lock order, everywhere: the submission, then its assignments, then board members. Two
# decisions on one submission therefore run one after the other, and the second counts the
# first's approval (READ COMMITTED: every statement after the lock sees what committed).


def lock_assignment(assignment):
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer")
        .get(pk=assignment.pk)
    )


def lock_submission_of(assignment):
    return lock(Submission(pk=assignment.submission_id))


def check_assignment_state(assignment, name):
    method = getattr(assignment, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"Cannot {ASSIGNMENT_VERBS[name]}: it is {assignment.get_state_display().lower()}."
        )
    return method


def check_assignment(assignment, name, actor):
    method = check_assignment_state(assignment, name)
    if not has_transition_perm(method, actor):
        if name == "withdraw":
            raise NotPermitted("Only the board chair can withdraw an assignment.")
        raise NotPermitted(f"Only the assigned reviewer can {ASSIGNMENT_VERBS[name]}.")
    return method


def assignment_audit(*, assignment, submission, actor, action, from_state, comment="", data=None):
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


def withdraw_locked(*, assignment, submission, actor, reason, data=None):
    """Withdraw an assignment whose submission and row the caller has locked and whose
    permission the caller has checked. Audit entry; the reviewer is told (outbox)."""
    method = check_assignment_state(assignment, "withdraw")
    from_state = assignment.state
    method(reason=reason[:500])
    assignment.save(update_fields=["state", "closed_at", "close_reason", "updated_at"])
    entry = assignment_audit(
        assignment=assignment,
        submission=submission,
        actor=actor,
        action=AuditAction.ASSIGNMENT_WITHDRAW,
        from_state=from_state,
        comment=reason,
        data=data,
    )
    compose.queue_assignment_withdrawn(entry=entry, assignment=assignment)
    return assignment


def lock_open_assignments(submission):
    """The open assignments of ``submission`` (locked, with their reviewers), in the
    order they are closed. The submission must be locked."""
    return list(
        Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer")
        .filter(submission=submission, state__in=ASSIGNMENT_OPEN_STATES)
        .order_by("pk")
    )


def withdraw_all(open_assignments, *, submission, actor, reason):
    """Withdraw ``open_assignments`` (``lock_open_assignments``: ``submission`` left
    review), one audit entry each."""
    for assignment in open_assignments:
        withdraw_locked(
            assignment=assignment,
            submission=submission,
            actor=actor,
            reason=reason,
            data={"automatic": True},
        )
