"""One definition of "the chair": the permission the "Board chair" group holds. Who may
assign reviewers and who receives chair emails are the same people."""

import pytest

from editorial import services
from editorial.models import Notification
from editorial.roles import chair_users, chairs, is_chair
from reviewers.models import BoardMember
from tests.factories import (
    TEST_PASSWORD,
    BoardMemberFactory,
    ChairFactory,
    ReviewerUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_chair_emails_go_to_exactly_those_who_may_act_as_chair():
    chair = ChairFactory(username="helen", email="helen@example.org")
    BoardMemberFactory(user=chair)
    reviewer = ReviewerUserFactory(username="priya", email="priya@example.org")
    BoardMemberFactory(user=reviewer)
    superuser = UserFactory(username="root", email="root@example.org", is_superuser=True)
    former = ChairFactory(username="former", email="former@example.org", is_active=False)
    unreachable = ChairFactory(username="noemail", email="")

    everyone = [chair, reviewer, superuser, former, unreachable]
    assert [user for user in everyone if is_chair(user)] == [chair, superuser, unreachable]
    assert set(chair_users()) == {chair, superuser, unreachable}
    assert set(chairs()) == {chair, superuser}, "chairs with an address are emailed"


def test_a_chair_without_a_board_membership_is_told_of_decisions(accepted, chair):
    deputy = ChairFactory(username="deputy", email="deputy@example.org")
    assert not BoardMember.objects.filter(user=deputy).exists()

    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=accepted,
        actor=accepted.reviewer.user,
        outcome="approve",
        confirmed_no_conflict=True,
    )

    told = set(
        Notification.objects.filter(subject__startswith="Review decided").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"chair", "deputy"}
    assert not is_chair(accepted.reviewer.user)
