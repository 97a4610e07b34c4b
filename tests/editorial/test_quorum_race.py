"""Races (issue 3, invariant 3): reviewers deciding at the same moment. The submission row
is locked by each decision, so quorum is counted once: one approval, one review record, one
audit entry; a decision that arrives after the approval is refused with a clear message."""

import threading

import pytest
from django.db import connection

from articles.models import ReviewRecord
from editorial import services
from editorial.errors import WorkflowError
from editorial.models import AuditEntry, Decision, DecisionOutcome, Submission, SubmissionState
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def decide_at_once(assignments):
    """Every reviewer decides 'approve' in their own thread, released together."""
    barrier = threading.Barrier(len(assignments))
    outcomes = {}

    def run(assignment):
        try:
            barrier.wait(timeout=10)
            services.assignment_decide(
                password=TEST_PASSWORD,
                assignment=assignment,
                actor=assignment.reviewer.user,
                outcome=DecisionOutcome.APPROVE,
                confirmed_no_conflict=True,
            )
            outcomes[assignment.pk] = "decided"
        except WorkflowError as error:
            outcomes[assignment.pk] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def accepted_by(submitted, members, chair):
    def accept(count):
        assignments = []
        for member in members[:count]:
            invited = services.assignment_create(submission=submitted, reviewer=member, actor=chair)
            assignments.append(services.assignment_accept(assignment=invited, actor=member.user))
        return assignments

    return accept


def test_two_reviewers_approving_at_once_approve_once(accepted_by):
    assignments = accepted_by(2)
    submission = assignments[0].submission

    outcomes = decide_at_once(assignments)

    assert sorted(outcomes.values()) == ["decided", "decided"]
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.APPROVED
    assert Decision.objects.filter(submission=submission).count() == 2
    assert AuditEntry.objects.filter(action="submission.approve").count() == 1
    assert ReviewRecord.objects.filter(article=submission.article).count() == 1
    approval = AuditEntry.objects.get(action="submission.approve")
    assert len(approval.data["decisions"]) == 2


def test_a_third_approval_racing_the_quorum_is_refused_cleanly(accepted_by):
    assignments = accepted_by(3)
    submission = assignments[0].submission

    outcomes = decide_at_once(assignments)

    # The third waited for the submission's lock; by then the approval had closed its
    # assignment along with the review.
    assert sorted(outcomes.values()) == [
        "Cannot decide on this assignment: it is withdrawn.",
        "decided",
        "decided",
    ]
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.APPROVED
    assert Decision.objects.filter(submission=submission).count() == 2
    assert AuditEntry.objects.filter(action="submission.approve").count() == 1
