"""Decisions (issue 3): an accepted assignment ends with approve / request changes /
reject. Bad input — no comment, no conflict confirmation, a second decision, a decision
on an invitation, a closed assignment or a superseded revision — is refused with a clear
message and writes nothing."""

import pytest
from django.db import IntegrityError, transaction

from articles.services import revision_draft_for_edit
from editorial import services
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import (
    Assignment,
    AssignmentState,
    AuditEntry,
    Decision,
    DecisionOutcome,
    Notification,
    SubmissionState,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def counts():
    return (
        Decision.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        list(Assignment.objects.order_by("pk").values_list("state", flat=True)),
    )


def decide(assignment, **overrides):
    arguments = {
        "assignment": assignment,
        "actor": assignment.reviewer.user,
        "outcome": DecisionOutcome.APPROVE,
        "comment": "",
        "confirmed_no_conflict": True,
        "password": TEST_PASSWORD,
    }
    return services.assignment_decide(**{**arguments, **overrides})


def test_an_approval_completes_the_assignment_and_is_audited(accepted):
    decision = decide(accepted, comment="Accurate and well sourced.")

    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.COMPLETED
    assert accepted.completed_at is not None
    assert decision.revision == accepted.submission.revision
    assert decision.confirmed_no_conflict is True
    entry = AuditEntry.objects.get(action="decision.approve")
    assert (entry.from_state, entry.to_state) == ("accepted", "completed")
    assert entry.comment == "Accurate and well sourced."
    assert entry.data["decision"] == decision.pk
    assert entry.actor == accepted.reviewer.user


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (DecisionOutcome.REQUEST_CHANGES, "A comment is required to request changes."),
        (DecisionOutcome.REJECT, "A comment is required to reject."),
    ],
)
def test_a_comment_is_required_unless_approving(accepted, outcome, message):
    before = counts()
    with pytest.raises(InvalidInput, match=message):
        decide(accepted, outcome=outcome, comment="   ")
    assert counts() == before


def test_the_reviewer_must_confirm_no_conflict(accepted):
    before = counts()
    with pytest.raises(InvalidInput, match="Confirm that you have no conflict of interest"):
        decide(accepted, confirmed_no_conflict=False)
    assert counts() == before


def test_an_unknown_outcome_is_refused(accepted):
    before = counts()
    with pytest.raises(InvalidInput):
        decide(accepted, outcome="maybe")
    assert counts() == before


def test_a_second_decision_is_refused(accepted, members, chair):
    services.assignment_create(submission=accepted.submission, reviewer=members[1], actor=chair)
    decide(accepted)
    before = counts()
    with pytest.raises(TransitionNotAllowed, match="You have already decided"):
        decide(accepted, outcome=DecisionOutcome.REJECT, comment="Changed my mind")
    assert counts() == before


def test_an_invitation_must_be_accepted_before_deciding(invited, accepted, members, chair):
    second = services.assignment_create(
        submission=accepted.submission, reviewer=members[1], actor=chair
    )
    before = counts()
    with pytest.raises(TransitionNotAllowed, match="Accept the invitation before deciding"):
        decide(second)
    assert counts() == before


def test_only_the_assigned_reviewer_decides(accepted, members, chair):
    before = counts()
    for someone_else in (members[1].user, chair):
        with pytest.raises(NotPermitted):
            decide(accepted, actor=someone_else)
    assert counts() == before


def test_a_withdrawn_assignment_cannot_be_decided(accepted, chair):
    services.assignment_withdraw(assignment=accepted, actor=chair)
    before = counts()
    with pytest.raises(TransitionNotAllowed, match="it is withdrawn"):
        decide(accepted)
    assert counts() == before


def test_deciding_on_a_superseded_revision_is_refused(accepted, members, chair, author):
    """The reviewer read revision 1; meanwhile it was sent back and revision 2 submitted.
    The old assignment is closed; a stale form naming revision 1 on a new assignment is
    refused too."""
    pinned = accepted.submission.revision
    services.submission_request_changes(
        submission=accepted.submission, actor=chair, comment="Add dosing.", password=TEST_PASSWORD
    )
    new_revision = revision_draft_for_edit(article=accepted.submission.article, actor=author)
    resubmitted = services.submission_resubmit(
        submission=accepted.submission, revision=new_revision, actor=author
    )
    fresh = services.assignment_create(
        submission=resubmitted, reviewer=accepted.reviewer, actor=chair
    )
    services.assignment_accept(assignment=fresh, actor=fresh.reviewer.user)
    before = counts()

    with pytest.raises(TransitionNotAllowed, match="Revision 1 has been superseded"):
        decide(fresh, revision=pinned)
    with pytest.raises(TransitionNotAllowed, match="it is withdrawn"):
        decide(accepted, revision=pinned)

    assert counts() == before


def test_a_decision_on_a_submission_no_longer_under_review_is_refused(accepted, author):
    # The author withdraws: every open assignment is closed with the submission.
    services.submission_withdraw(submission=accepted.submission, actor=author)
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.WITHDRAWN
    before = counts()
    with pytest.raises(TransitionNotAllowed):
        decide(accepted)
    assert counts() == before


def insert_decision(assignment, **fields):
    """A decision row written directly, past the service, as a shell session could."""
    with transaction.atomic():
        return Decision.objects.create(
            assignment=assignment,
            submission=assignment.submission,
            revision=assignment.submission.revision,
            **{"outcome": DecisionOutcome.APPROVE, "confirmed_no_conflict": True, **fields},
        )


def test_the_database_refuses_a_decision_without_the_conflict_confirmation(accepted):
    with pytest.raises(IntegrityError):
        insert_decision(accepted, confirmed_no_conflict=False)


def test_the_database_refuses_a_change_request_without_a_comment(accepted):
    with pytest.raises(IntegrityError):
        insert_decision(accepted, outcome=DecisionOutcome.REQUEST_CHANGES, comment="")


def test_the_database_allows_one_decision_per_assignment(accepted):
    decide(accepted, outcome=DecisionOutcome.REJECT, comment="Outdated evidence.")
    with pytest.raises(IntegrityError):
        insert_decision(accepted)
    accepted.submission.refresh_from_db()
    assert accepted.submission.state == SubmissionState.UNDER_REVIEW
