"""Who may do what in the admin (issue 3): role × object × action → status.

Reviewers see only what they are assigned to (anything else is 404), the chair sees all
and alone runs the board, authors and visitors have no admin at all (302 to the login
page). Permission refusals of an action a role could name are 403."""

import pytest
from django.urls import reverse

from articles.services import revision_draft_for_edit, revision_update_draft
from editorial import services
from tests.factories import TEST_PASSWORD, ArticleFactory, AuthorFactory, RevisionFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def world(invited, members, chair, author):
    """Reviewer 1 is invited to the submitted article; reviewer 2 has nothing; another
    author has a draft nobody should see but the chair."""
    stranger = AuthorFactory(username="stranger")
    other_draft = RevisionFactory(article=ArticleFactory(authors=[stranger]), number=1)
    return {
        "users": {
            "anonymous": None,
            "author": author,
            "assigned reviewer": members[0].user,
            "other reviewer": members[1].user,
            "chair": chair,
        },
        "assignment": invited,
        "submission": invited.submission,
        "other_draft": other_draft,
        "members": members,
    }


def _decision(w):
    return {
        "outcome": "approve",
        "confirmed_no_conflict": "on",
        "password": TEST_PASSWORD,
        "revision": w["submission"].revision_id,
    }


def _policy(w):
    return {
        "quorum": 2, "invitation_response_days": 4, "review_due_days": 14,
        "reminder_days_before_due": 2, "remind_on_due_day": "on",
        "overdue_reminder_interval_days": 3, "overdue_reminder_max": 3, "re_review_months": 12,
        "policy_text": "",
    }  # fmt: skip


# action → (method, url, POST data)
ACTIONS = {
    "admin index": ("get", lambda w: reverse("admin:index"), None),
    "queue": ("get", lambda w: reverse("admin:editorial_assignment_changelist"), None),
    "review screen": (
        "get",
        lambda w: reverse("admin:editorial_assignment_review", args=[w["assignment"].pk]),
        None,
    ),
    "accept": (
        "post",
        lambda w: reverse("admin:editorial_assignment_accept", args=[w["assignment"].pk]),
        lambda w: {},
    ),
    "decide": (
        "post",
        lambda w: reverse("admin:editorial_assignment_review", args=[w["assignment"].pk]),
        _decision,
    ),
    "submission page": (
        "get",
        lambda w: reverse("admin:editorial_submission_change", args=[w["submission"].pk]),
        None,
    ),
    "article page": (
        "get",
        lambda w: reverse("admin:articles_article_change", args=[w["submission"].article_id]),
        None,
    ),
    "pinned revision": (
        "get",
        lambda w: reverse("admin:articles_revision_change", args=[w["submission"].revision_id]),
        None,
    ),
    "someone's draft": (
        "get",
        lambda w: reverse("admin:articles_revision_change", args=[w["other_draft"].pk]),
        None,
    ),
    "board view": ("get", lambda w: reverse("admin:editorial_board"), None),
    "assign": (
        "post",
        lambda w: reverse("admin:editorial_submission_assign", args=[w["submission"].pk]),
        lambda w: {"reviewer": w["members"][1].pk},
    ),
    "override": (
        "post",
        lambda w: reverse("admin:editorial_submission_override", args=[w["submission"].pk]),
        lambda w: {"outcome": "reject", "reason": "Out of scope.", "password": TEST_PASSWORD},
    ),
    "withdraw assignment": (
        "post",
        lambda w: reverse("admin:editorial_assignment_withdraw", args=[w["assignment"].pk]),
        lambda w: {"reason": "No longer needed."},
    ),
    "policy page": (
        "get",
        lambda w: reverse("admin:editorial_editorialpolicy_change", args=[1]),
        None,
    ),
    "change policy": (
        "post",
        lambda w: reverse("admin:editorial_editorialpolicy_change", args=[1]),
        _policy,
    ),
    "audit log": ("get", lambda w: reverse("admin:editorial_auditentry_changelist"), None),
}

ROLES = ["anonymous", "author", "assigned reviewer", "other reviewer", "chair"]

# Expected status per action, in the order of ROLES. 302 for anonymous and author is the
# login page; for the others it is the redirect after a POST (or the reviewer's landing).
MATRIX = {
    "admin index":         [302, 302, 302, 302, 200],
    "queue":               [302, 302, 200, 200, 200],
    "review screen":       [302, 302, 200, 404, 200],
    "accept":              [302, 302, 302, 404, 403],
    "decide":              [302, 302, 400, 404, 403],
    "submission page":     [302, 302, 200, 404, 200],
    "article page":        [302, 302, 200, 404, 200],
    "pinned revision":     [302, 302, 200, 404, 200],
    "someone's draft":     [302, 302, 404, 404, 200],
    "board view":          [302, 302, 403, 403, 200],
    "assign":              [302, 302, 403, 403, 302],
    "override":            [302, 302, 403, 403, 302],
    "withdraw assignment": [302, 302, 403, 404, 302],
    "policy page":         [302, 302, 200, 200, 200],
    "change policy":       [302, 302, 403, 403, 302],
    "audit log":           [302, 302, 403, 403, 200],
}  # fmt: skip

CASES = [
    (action, role, MATRIX[action][index]) for action in ACTIONS for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_permission_matrix(client, world, action, role, expected):
    assert set(MATRIX) == set(ACTIONS)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    method, url, data = ACTIONS[action]
    response = getattr(client, method)(url(world), data(world) if data else None)
    assert response.status_code == expected, response.content[:500]
    if role in ("anonymous", "author"):
        assert response.url.startswith(LOGIN)


def test_a_reviewer_accepting_lands_back_with_the_assignment_accepted(client, world):
    """The matrix's 302 for the assigned reviewer is success, not a bounce."""
    client.force_login(world["users"]["assigned reviewer"])
    client.post(reverse("admin:editorial_assignment_accept", args=[world["assignment"].pk]))
    world["assignment"].refresh_from_db()
    assert world["assignment"].state == "accepted"


def test_a_reviewer_sees_a_submission_only_while_assigned_to_it(client, world):
    submission_url = reverse("admin:editorial_submission_change", args=[world["submission"].pk])
    other = world["members"][1]
    client.force_login(other.user)
    assert client.get(submission_url).status_code == 404
    services.assignment_create(
        submission=world["submission"], reviewer=other, actor=world["users"]["chair"]
    )
    assert client.get(submission_url).status_code == 200


def test_a_reviewer_does_not_see_the_authors_next_draft_on_the_article_page(client, world, author):
    article = world["submission"].article
    draft = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(revision=draft, title="A secret working title?")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(world["users"]["assigned reviewer"])
    assert "A secret working title?" not in client.get(url).text
    client.force_login(world["users"]["chair"])
    assert "A secret working title?" in client.get(url).text
