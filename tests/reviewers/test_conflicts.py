"""Conflict-of-interest declarations (issue 3, invariant 5): a member declares a conflict
with a topic, an author or one article, with a reason; the declaration is audited, blocks
new assignments, and withdraws the open assignments it covers."""

import pytest
from django.db import IntegrityError, transaction

from editorial import services
from editorial.errors import InvalidInput, NotPermitted, ReviewerConflicted, TransitionNotAllowed
from editorial.models import AssignmentState, AuditEntry
from reviewers.models import ConflictKind, ConflictOfInterest
from tests.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_a_declaration_is_audited(members, article):
    conflict = services.conflict_declare(
        member=members[0],
        actor=members[0].user,
        topic=article.topic,
        reason="I hold shares in a drug maker in this field.",
    )
    assert conflict.kind == ConflictKind.TOPIC
    entry = AuditEntry.objects.get(action="conflict.declare")
    assert entry.target_type == "reviewers.conflictofinterest"
    assert entry.target_id == conflict.pk
    assert entry.comment == "I hold shares in a drug maker in this field."
    assert entry.data["member"]["name"] == "Dr. Ada Reyes"


@pytest.mark.parametrize("subject", ["topic", "author", "article"])
def test_a_declared_conflict_blocks_assignment(submitted, members, chair, subject):
    article = submitted.article
    value = {
        "topic": article.topic,
        "author": article.authors.get(),
        "article": article,
    }[subject]
    services.conflict_declare(
        member=members[1], actor=members[1].user, reason="Co-author of a rival review.",
        **{subject: value},
    )  # fmt: skip
    before = AuditEntry.objects.count()
    with pytest.raises(ReviewerConflicted, match=f"Declared a conflict with the {subject}"):
        services.assignment_create(submission=submitted, reviewer=members[1], actor=chair)
    assert AuditEntry.objects.count() == before


def test_a_conflict_on_another_topic_does_not_block(submitted, members, chair):
    services.conflict_declare(
        member=members[1], actor=members[1].user, topic=TopicFactory(), reason="Consultancy."
    )
    assignment = services.assignment_create(submission=submitted, reviewer=members[1], actor=chair)
    assert assignment.state == AssignmentState.INVITED


def test_declaring_withdraws_the_open_assignments_it_covers(accepted):
    member = accepted.reviewer
    services.conflict_declare(
        member=member,
        actor=member.user,
        article=accepted.submission.article,
        reason="The author is my spouse.",
    )
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.WITHDRAWN
    assert accepted.close_reason == "Conflict of interest declared."
    actions = list(AuditEntry.objects.order_by("-sequence").values_list("action", flat=True)[:2])
    assert actions == ["assignment.withdraw", "conflict.declare"]


@pytest.mark.parametrize(
    ("subjects", "reason", "message"),
    [
        ({}, "A reason", "Declare a conflict with one topic"),
        ({"topic": "topic", "article": "article"}, "A reason", "Declare a conflict with one"),
        ({"topic": "topic"}, "  ", "Say why you have a conflict"),
    ],
)
def test_bad_declarations_are_refused(members, article, subjects, reason, message):
    values = {name: getattr(article, name) if name == "topic" else article for name in subjects}
    with pytest.raises(InvalidInput, match=message):
        services.conflict_declare(member=members[0], actor=members[0].user, reason=reason, **values)
    assert not ConflictOfInterest.objects.exists()
    assert not AuditEntry.objects.filter(action="conflict.declare").exists()


def test_the_same_conflict_twice_is_refused(members, article):
    services.conflict_declare(
        member=members[0], actor=members[0].user, article=article, reason="Friend."
    )
    with pytest.raises(TransitionNotAllowed, match="already declared this conflict"):
        services.conflict_declare(
            member=members[0], actor=members[0].user, article=article, reason="Friend."
        )
    assert AuditEntry.objects.filter(action="conflict.declare").count() == 1


def test_a_member_declares_only_for_themselves_the_chair_for_anyone(members, chair, article):
    with pytest.raises(NotPermitted):
        services.conflict_declare(
            member=members[0], actor=members[1].user, article=article, reason="Gossip."
        )
    conflict = services.conflict_declare(
        member=members[0], actor=chair, article=article, reason="Reported to the chair."
    )
    assert conflict.member == members[0]


def test_revoking_ends_the_conflict_and_is_audited(submitted, members, chair):
    conflict = services.conflict_declare(
        member=members[0], actor=members[0].user, topic=submitted.article.topic, reason="Grant."
    )
    services.conflict_revoke(conflict=conflict, actor=members[0].user, reason="Grant ended.")

    conflict.refresh_from_db()
    assert conflict.revoked_at is not None
    assert AuditEntry.objects.get(action="conflict.revoke").comment == "Grant ended."
    assert services.assignment_create(submission=submitted, reviewer=members[0], actor=chair)
    with pytest.raises(TransitionNotAllowed):
        services.conflict_revoke(conflict=conflict, actor=members[0].user)


def test_the_database_requires_exactly_the_subject_of_the_kind(members):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictOfInterest.objects.create(
            member=members[0],
            kind=ConflictKind.TOPIC,
            article=ArticleFactory(),
            reason="Mismatched kind.",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictOfInterest.objects.create(
            member=members[0], kind=ConflictKind.TOPIC, topic=TopicFactory(), reason=""
        )
