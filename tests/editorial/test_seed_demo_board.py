"""The demo's board (issue 3): approvals went through assignments and decisions, the
reviewers' queues have open work (one review overdue), a conflict is declared, and running
seed_demo again changes nothing."""

import pytest
from django.core.management import call_command

from articles.models import Article
from editorial.models import Assignment, AssignmentState, AuditEntry, Decision, DecisionOutcome
from reviewers.models import ConflictOfInterest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, verbosity=0)


def test_approvals_went_through_two_reviewers_decisions(demo):
    article = Article.objects.get(slug="vitamin-b12-deficiency-restless-legs")
    approvals = Decision.objects.filter(
        submission__article=article, outcome=DecisionOutcome.APPROVE
    ).select_related("assignment__reviewer__user")
    assert sorted(d.assignment.reviewer.user.username for d in approvals) == [
        "reviewer1",
        "reviewer2",
    ]
    assert [r["name"] for r in article.reviewed_by] == ["Dr. Priya Raman", "Dr. Tomás Ferreira"]
    approval = AuditEntry.objects.get(article=article, action="submission.approve")
    assert approval.data["quorum"] == 2


def test_the_queues_have_open_work_one_review_overdue(demo):
    open_by_reviewer = {}
    for assignment in Assignment.objects.open().with_due().select_related("reviewer__user"):
        open_by_reviewer.setdefault(assignment.reviewer.user.username, []).append(assignment)
    assert set(open_by_reviewer) >= {"reviewer1", "reviewer2", "reviewer3", "chair"}
    overdue = [a for a in Assignment.objects.open().with_due() if a.is_overdue]
    assert len(overdue) == 1
    assert overdue[0].state == AssignmentState.ACCEPTED
    assert overdue[0].reviewer.user.username == "reviewer2"


def test_a_conflict_is_declared_and_respected(demo):
    conflict = ConflictOfInterest.objects.get()
    assert conflict.member.user.username == "reviewer3"
    assert not Assignment.objects.filter(
        reviewer=conflict.member, submission__article__authors=conflict.author
    ).exists()


def test_running_it_again_changes_nothing(demo):
    counts = (Assignment.objects.count(), Decision.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo", force=True, verbosity=0)
    assert (
        Assignment.objects.count(),
        Decision.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    call_command("verify_audit")
