"""Quorum (issue 3, invariant 5): the policy's number of approvals with no change request
approves and publishes; one change request sends the submission back and closes the other
assignments; a rejection waits for the chair; the chair overrides only with a reason."""

import pytest

from articles.models import Article, ReviewRecord, ReviewStatus
from editorial import services
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import (
    Assignment,
    AssignmentState,
    AuditEntry,
    DecisionOutcome,
    EditorialPolicy,
    Notification,
    Submission,
    SubmissionState,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(submitted, members, chair):
    """All three members invited and accepted: the submission is under review."""
    assignments = []
    for member in members:
        assignment = services.assignment_create(submission=submitted, reviewer=member, actor=chair)
        assignments.append(services.assignment_accept(assignment=assignment, actor=member.user))
    return assignments


def decide(assignment, outcome=DecisionOutcome.APPROVE, comment=""):
    return services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=assignment,
        actor=assignment.reviewer.user,
        outcome=outcome,
        comment=comment,
        confirmed_no_conflict=True,
    )


def state_of(submission):
    return Submission.objects.get(pk=submission.pk).state


def actions_since(sequence):
    return list(
        AuditEntry.objects.filter(sequence__gt=sequence)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def last_sequence():
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()


def test_two_approvals_approve_and_publish(board):
    submission = board[0].submission
    decide(board[0])
    assert state_of(submission) == SubmissionState.UNDER_REVIEW
    mark = last_sequence()

    decide(board[1], comment="Agree.")

    assert state_of(submission) == SubmissionState.APPROVED
    article = Article.objects.get(pk=submission.article_id)
    assert article.published_revision_id == submission.revision_id
    assert article.review_status == ReviewStatus.APPROVED
    assert [r["name"] for r in article.reviewed_by] == ["Dr. Ada Reyes", "Dr. Ben Okafor"]
    record = ReviewRecord.objects.get(article=article)
    assert [r["name"] for r in record.reviewers] == ["Dr. Ada Reyes", "Dr. Ben Okafor"]
    # One entry per state change: the decision, the approval, and the third reviewer's
    # assignment closed because the submission left review.
    assert actions_since(mark) == ["decision.approve", "submission.approve", "assignment.withdraw"]
    approval = AuditEntry.objects.get(action="submission.approve")
    assert approval.data["quorum"] == 2
    assert approval.actor == board[1].reviewer.user
    assert Assignment.objects.get(pk=board[2].pk).state == AssignmentState.WITHDRAWN


@pytest.mark.parametrize("quorum", [1, 3])
def test_the_quorum_comes_from_the_policy(board, quorum):
    EditorialPolicy.objects.update_or_create(pk=1, defaults={"quorum": quorum})
    submission = board[0].submission
    for assignment in board[: quorum - 1]:
        decide(assignment)
    assert state_of(submission) == SubmissionState.UNDER_REVIEW

    decide(board[quorum - 1])

    assert state_of(submission) == SubmissionState.APPROVED


def test_one_change_request_sends_it_back_and_closes_the_other_assignments(board, author):
    submission = board[0].submission
    decide(board[0])
    mark = last_sequence()

    decide(board[1], DecisionOutcome.REQUEST_CHANGES, "Cite the 2024 guideline on dosing.")

    assert state_of(submission) == SubmissionState.CHANGES_REQUESTED
    assert actions_since(mark) == [
        "decision.request_changes",
        "submission.request_changes",
        "assignment.withdraw",
    ]
    assert Assignment.objects.get(pk=board[2].pk).state == AssignmentState.WITHDRAWN
    change_request = AuditEntry.objects.get(action="submission.request_changes")
    assert change_request.comment == "Cite the 2024 guideline on dosing."
    to_author = Notification.objects.get(recipient=author, subject__startswith="Changes requested")
    assert "Cite the 2024 guideline on dosing." in to_author.body_text


def test_a_rejection_waits_for_the_chair_and_holds_back_approval(board, chair):
    submission = board[0].submission
    decide(board[0], DecisionOutcome.REJECT, "The claim contradicts current guidance.")
    assert state_of(submission) == SubmissionState.UNDER_REVIEW
    assert Notification.objects.filter(
        recipient=chair, subject__startswith="Rejection to confirm"
    ).exists()

    decide(board[1])
    decide(board[2])
    assert state_of(submission) == SubmissionState.UNDER_REVIEW

    services.submission_confirm_reject(password=TEST_PASSWORD, submission=submission, actor=chair)

    assert state_of(submission) == SubmissionState.REJECTED
    rejection = AuditEntry.objects.get(action="submission.reject")
    assert rejection.comment == "The claim contradicts current guidance."
    assert rejection.actor == chair


def test_confirming_a_rejection_nobody_recommended_is_refused(board, chair):
    before = AuditEntry.objects.count()
    with pytest.raises(TransitionNotAllowed, match="No reviewer has recommended rejecting"):
        services.submission_confirm_reject(
            password=TEST_PASSWORD, submission=board[0].submission, actor=chair
        )
    assert AuditEntry.objects.count() == before


def test_only_the_chair_confirms_a_rejection(board):
    decide(board[0], DecisionOutcome.REJECT, "Wrong.")
    with pytest.raises(NotPermitted):
        services.submission_confirm_reject(
            password=TEST_PASSWORD, submission=board[0].submission, actor=board[1].reviewer.user
        )
    assert state_of(board[0].submission) == SubmissionState.UNDER_REVIEW


def test_the_chair_overrides_with_a_reason_audited_as_an_override(board, chair):
    submission = board[0].submission
    decide(board[0])

    services.submission_override(
        password=TEST_PASSWORD,
        submission=submission,
        actor=chair,
        outcome=DecisionOutcome.APPROVE,
        reason="Second reviewer unavailable; content unchanged since last approval.",
    )

    assert state_of(submission) == SubmissionState.APPROVED
    entry = AuditEntry.objects.get(action="submission.override_approve")
    assert (entry.from_state, entry.to_state) == ("under_review", "approved")
    assert entry.comment.startswith("Second reviewer unavailable")
    assert entry.data["override"] is True
    # Only who approved is named: the chair's override is labelled as one, not a review.
    assert [r["name"] for r in entry.data["reviewers"]] == ["Dr. Ada Reyes"]
    assert not AuditEntry.objects.filter(action="submission.approve").exists()


def test_an_override_reject(board, chair):
    services.submission_override(
        password=TEST_PASSWORD,
        submission=board[0].submission,
        actor=chair,
        outcome=DecisionOutcome.REJECT,
        reason="Duplicate of an existing article.",
    )
    assert state_of(board[0].submission) == SubmissionState.REJECTED
    assert AuditEntry.objects.filter(action="submission.override_reject").count() == 1
    assert Assignment.objects.filter(state=AssignmentState.WITHDRAWN).count() == 3


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(board, chair, reason):
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput, match="A written reason is required"):
        services.submission_override(
            password=TEST_PASSWORD,
            submission=board[0].submission,
            actor=chair,
            outcome=DecisionOutcome.APPROVE,
            reason=reason,
        )
    assert AuditEntry.objects.count() == before
    assert state_of(board[0].submission) == SubmissionState.UNDER_REVIEW


def test_a_reviewer_cannot_override(board):
    with pytest.raises(NotPermitted):
        services.submission_override(
            password=TEST_PASSWORD,
            submission=board[0].submission,
            actor=board[0].reviewer.user,
            outcome=DecisionOutcome.APPROVE,
            reason="I am sure.",
        )
    assert state_of(board[0].submission) == SubmissionState.UNDER_REVIEW
