"""Assignments (issue 3): the chair invites, the reviewer accepts or declines, the chair
withdraws, reassigns and moves due dates. Every refusal names its reason and writes
nothing, not even an audit entry."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial import services
from editorial.errors import (
    AlreadyAssigned,
    InvalidInput,
    NotPermitted,
    ReviewerAtCapacity,
    ReviewerConflicted,
    ReviewerInactive,
    ReviewerIsAuthor,
    TransitionNotAllowed,
)
from editorial.models import (
    Assignment,
    AssignmentState,
    AuditEntry,
    EditorialPolicy,
    Notification,
    SubmissionState,
)
from reviewers.models import ConflictKind
from tests.factories import (
    AssignmentFactory,
    BoardMemberFactory,
    ConflictOfInterestFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def counts():
    return (Assignment.objects.count(), AuditEntry.objects.count(), Notification.objects.count())


def test_the_chair_invites_a_reviewer_with_the_policys_response_days(submitted, members, chair):
    EditorialPolicy.objects.update_or_create(pk=1, defaults={"invitation_response_days": 6})

    assignment = services.assignment_create(submission=submitted, reviewer=members[0], actor=chair)

    assert assignment.state == AssignmentState.INVITED
    assert assignment.response_due == timezone.localdate() + datetime.timedelta(days=6)
    assert assignment.review_due is None
    entry = AuditEntry.objects.get(target_type="editorial.assignment", target_id=assignment.pk)
    assert (entry.action, entry.from_state, entry.to_state) == ("assignment.invite", "", "invited")
    assert entry.actor == chair
    assert entry.article == submitted.article
    assert entry.data["reviewer"]["name"] == "Dr. Ada Reyes"
    invitation = Notification.objects.get(recipient=members[0].user)
    assert invitation.subject.startswith("Invitation to review: ")
    assert f"/admin/editorial/assignment/{assignment.pk}/review/" in invitation.body_text


def test_the_chair_may_set_the_response_date(submitted, members, chair):
    due = timezone.localdate() + datetime.timedelta(days=10)
    assignment = services.assignment_create(
        submission=submitted, reviewer=members[0], actor=chair, response_due=due
    )
    assert assignment.response_due == due


def test_a_response_date_in_the_past_is_refused(submitted, members, chair):
    before = counts()
    with pytest.raises(InvalidInput, match="cannot be in the past"):
        services.assignment_create(
            submission=submitted,
            reviewer=members[0],
            actor=chair,
            response_due=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert counts() == before


def _author_member(submitted, members):
    return BoardMemberFactory(user=submitted.article.authors.get(), display_name="Dr. Author")


def _inactive(submitted, members):
    return BoardMemberFactory(display_name="Dr. Retired", is_active=False)


def _at_capacity(submitted, members):
    member = BoardMemberFactory(display_name="Dr. Busy", max_open_assignments=2)
    for _ in range(2):
        AssignmentFactory(submission=SubmissionFactory(), reviewer=member)
    return member


def _conflict_topic(submitted, members):
    ConflictOfInterestFactory(member=members[0], topic=submitted.article.topic)
    return members[0]


def _conflict_author(submitted, members):
    ConflictOfInterestFactory(
        member=members[0],
        kind=ConflictKind.AUTHOR,
        topic=None,
        author=submitted.article.authors.get(),
    )
    return members[0]


def _conflict_article(submitted, members):
    ConflictOfInterestFactory(
        member=members[0], kind=ConflictKind.ARTICLE, topic=None, article=submitted.article
    )
    return members[0]


def _already_assigned(submitted, members):
    AssignmentFactory(submission=submitted, reviewer=members[0])
    return members[0]


@pytest.mark.parametrize(
    ("make_member", "error", "message"),
    [
        (_author_member, ReviewerIsAuthor, "Dr. Author is an author of this article."),
        (_inactive, ReviewerInactive, "Dr. Retired is not an active board member."),
        (_at_capacity, ReviewerAtCapacity, r"Dr. Busy is at capacity \(2 of 2 open reviews\)."),
        (_conflict_topic, ReviewerConflicted, "Declared a conflict with the topic"),
        (_conflict_author, ReviewerConflicted, "Declared a conflict with the author"),
        (_conflict_article, ReviewerConflicted, "Declared a conflict with the article"),
        (_already_assigned, AlreadyAssigned, "already assigned to this submission"),
    ],
)
def test_ineligible_reviewers_are_refused_and_nothing_is_written(
    submitted, members, chair, make_member, error, message
):
    member = make_member(submitted, members)
    before = counts()

    with pytest.raises(error, match=message) as raised:
        services.assignment_create(submission=submitted, reviewer=member, actor=chair)

    assert raised.value.status == 409
    assert counts() == before


def test_only_the_chair_assigns(submitted, members):
    before = counts()
    with pytest.raises(NotPermitted):
        services.assignment_create(submission=submitted, reviewer=members[1], actor=members[0].user)
    assert counts() == before


@pytest.mark.parametrize("state_fixture", ["approved_submission", "withdrawn_submission"])
def test_a_closed_submission_gets_no_reviewers(request, state_fixture, members, chair):
    submission = request.getfixturevalue(state_fixture)
    before = counts()
    with pytest.raises(TransitionNotAllowed, match="Cannot assign reviewers: the submission is"):
        services.assignment_create(submission=submission, reviewer=members[0], actor=chair)
    assert counts() == before


@pytest.fixture
def approved_submission(under_review, chair):
    return services.submission_approve(submission=under_review, actor=chair)


@pytest.fixture
def withdrawn_submission(submitted, author):
    return services.submission_withdraw(submission=submitted, actor=author)


def test_the_database_allows_one_open_assignment_per_reviewer_and_submission(invited):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(submission=invited.submission, reviewer=invited.reviewer)


def test_a_reviewer_who_declined_can_be_invited_again(invited, chair):
    services.assignment_decline(assignment=invited, actor=invited.reviewer.user, reason="Away")
    again = services.assignment_create(
        submission=invited.submission, reviewer=invited.reviewer, actor=chair
    )
    assert again.state == AssignmentState.INVITED


def test_the_first_acceptance_starts_the_review(invited):
    EditorialPolicy.objects.update_or_create(pk=1, defaults={"review_due_days": 10})

    accepted = services.assignment_accept(assignment=invited, actor=invited.reviewer.user)

    assert accepted.state == AssignmentState.ACCEPTED
    assert accepted.review_due == timezone.localdate() + datetime.timedelta(days=10)
    invited.submission.refresh_from_db()
    assert invited.submission.state == SubmissionState.UNDER_REVIEW
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-2:] == ["assignment.accept", "submission.start_review"]
    start = AuditEntry.objects.get(action="submission.start_review")
    assert start.actor == invited.reviewer.user


def test_a_second_acceptance_leaves_the_submission_under_review(accepted, members, chair):
    second = services.assignment_create(
        submission=accepted.submission, reviewer=members[1], actor=chair
    )
    services.assignment_accept(assignment=second, actor=members[1].user)
    assert AuditEntry.objects.filter(action="submission.start_review").count() == 1


def test_only_the_invited_reviewer_accepts(invited, members, chair):
    before = counts()
    for someone_else in (members[1].user, chair):
        with pytest.raises(NotPermitted, match="Only the assigned reviewer"):
            services.assignment_accept(assignment=invited, actor=someone_else)
    assert counts() == before


def test_accepting_a_withdrawn_invitation_is_refused(invited, chair):
    services.assignment_withdraw(assignment=invited, actor=chair, reason="Found a specialist")
    before = counts()

    with pytest.raises(TransitionNotAllowed, match="Cannot accept this invitation: it is withd"):
        services.assignment_accept(assignment=invited, actor=invited.reviewer.user)

    assert counts() == before
    invited.refresh_from_db()
    assert invited.state == AssignmentState.WITHDRAWN


def test_declining_records_the_reason(invited):
    declined = services.assignment_decline(
        assignment=invited, actor=invited.reviewer.user, reason="On leave until March."
    )
    assert declined.state == AssignmentState.DECLINED
    assert declined.close_reason == "On leave until March."
    entry = AuditEntry.objects.get(action="assignment.decline")
    assert (entry.from_state, entry.to_state, entry.comment) == (
        "invited",
        "declined",
        "On leave until March.",
    )


def test_only_the_chair_withdraws(accepted):
    before = counts()
    with pytest.raises(NotPermitted, match="Only the board chair"):
        services.assignment_withdraw(assignment=accepted, actor=accepted.reviewer.user)
    assert counts() == before


def test_reassigning_withdraws_one_and_invites_another(accepted, members, chair):
    new = services.assignment_reassign(
        assignment=accepted, reviewer=members[1], actor=chair, reason="Overdue"
    )
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.WITHDRAWN
    assert new.state == AssignmentState.INVITED
    assert new.reviewer == members[1]
    actions = list(AuditEntry.objects.order_by("-sequence").values_list("action", flat=True)[:2])
    assert actions == ["assignment.invite", "assignment.withdraw"]


def test_reassigning_to_an_ineligible_reviewer_changes_nothing(accepted, chair):
    author_member = BoardMemberFactory(user=accepted.submission.article.authors.get())
    before = counts()
    with pytest.raises(ReviewerIsAuthor):
        services.assignment_reassign(assignment=accepted, reviewer=author_member, actor=chair)
    assert counts() == before
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.ACCEPTED


def test_the_chair_moves_due_dates_and_it_is_audited(accepted, chair):
    new_due = accepted.review_due + datetime.timedelta(days=7)
    services.assignment_set_due_dates(assignment=accepted, actor=chair, review_due=new_due)
    accepted.refresh_from_db()
    assert accepted.review_due == new_due
    entry = AuditEntry.objects.get(action="assignment.set_due_dates")
    assert entry.data["review_due"]["to"] == new_due.isoformat()


def test_a_review_due_date_needs_an_accepted_assignment(invited, chair):
    before = counts()
    with pytest.raises(InvalidInput):
        services.assignment_set_due_dates(
            assignment=invited, actor=chair, review_due=timezone.localdate()
        )
    assert counts() == before


def test_escalation_is_recorded_once(accepted):
    services.assignment_escalate(assignment=accepted, reason="Three reminders unanswered")
    services.assignment_escalate(assignment=accepted, reason="Three reminders unanswered")
    accepted.refresh_from_db()
    assert accepted.escalated_at is not None
    entry = AuditEntry.objects.get(action="assignment.escalate")
    assert entry.actor is None and entry.actor_label == "system"


def test_the_database_refuses_an_accepted_assignment_without_a_review_date(invited):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=invited.pk).update(state=AssignmentState.ACCEPTED)
