"""The board's admin pages for people: members with their load, and conflict-of-interest
declarations that a reviewer makes for themselves (audited, never deleted)."""

import pytest
from django.urls import reverse

from editorial.models import AssignmentState, AuditEntry
from reviewers.models import ConflictOfInterest

pytestmark = pytest.mark.django_db

ADD = reverse("admin:reviewers_conflictofinterest_add")


def test_a_reviewer_declares_a_conflict_in_the_admin(client, accepted):
    member = accepted.reviewer
    client.force_login(member.user)
    page = client.get(ADD)
    assert page.status_code == 200
    assert 'name="member"' not in page.text  # always for themselves

    response = client.post(
        ADD,
        {
            "kind": "topic",
            "topic": accepted.submission.article.topic_id,
            "reason": "I advise a manufacturer in this field.",
        },
    )

    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert conflict.member == member
    assert AuditEntry.objects.filter(action="conflict.declare").count() == 1
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.WITHDRAWN


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "topic", "reason": "x"}, "Choose the topic you have a conflict with."),
        ({"kind": "article", "topic": "TOPIC", "reason": "x"}, "Leave this empty"),
        ({"kind": "topic", "topic": "TOPIC", "reason": ""}, "This field is required."),
    ],
)
def test_bad_declarations_are_form_errors(client, members, article, data, message):
    client.force_login(members[0].user)
    data = {key: article.topic_id if value == "TOPIC" else value for key, value in data.items()}
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert message in response.text
    assert not ConflictOfInterest.objects.exists()
    assert not AuditEntry.objects.filter(action="conflict.declare").exists()


def test_a_duplicate_declaration_is_a_form_error(client, members, article):
    client.force_login(members[0].user)
    data = {"kind": "topic", "topic": article.topic_id, "reason": "Shares."}
    client.post(ADD, data)
    response = client.post(ADD, data)
    assert "This conflict is already declared." in response.text
    assert ConflictOfInterest.objects.count() == 1


def test_reviewers_see_only_their_own_declarations_and_revoke_them(client, members, article):
    client.force_login(members[0].user)
    client.post(ADD, {"kind": "topic", "topic": article.topic_id, "reason": "Mine."})
    client.force_login(members[1].user)
    client.post(ADD, {"kind": "topic", "topic": article.topic_id, "reason": "Theirs."})
    changelist = reverse("admin:reviewers_conflictofinterest_changelist")
    response = client.get(changelist)
    assert "Theirs." in response.text and "Mine." not in response.text

    own = ConflictOfInterest.objects.get(member=members[1])
    client.post(changelist, {"action": "revoke", "_selected_action": [own.pk]})

    own.refresh_from_db()
    assert own.revoked_at is not None
    assert AuditEntry.objects.filter(action="conflict.revoke").count() == 1


def test_the_member_list_shows_open_load(client, chair, accepted):
    client.force_login(chair)
    response = client.get(reverse("admin:reviewers_boardmember_changelist"))
    assert response.status_code == 200
    row = next(m for m in response.context["cl"].result_list if m.pk == accepted.reviewer_id)
    assert row.open_count == 1
