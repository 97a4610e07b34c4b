"""The reviewer's queue (issue 3): the landing page of a reviewer; their own open
assignments, soonest due first, overdue highlighted; filters by state, topic and overdue;
search; accept or decline in one click (a POST with CSRF)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import AssignmentState, AuditEntry, Decision, DecisionOutcome
from tests.factories import (
    TEST_PASSWORD,
    ArticleFactory,
    AssignmentFactory,
    ReferenceFactory,
    RevisionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:editorial_assignment_changelist")


def submitted_article(author, *, title, topic=None):
    article = ArticleFactory(authors=[author], topic=topic or TopicFactory())
    revision = RevisionFactory(article=article, number=1, title=title)
    ReferenceFactory(revision=revision, position=1)
    return services.submission_submit(article=article, revision=revision, actor=author)


@pytest.fixture
def queue(members, chair, author):
    """Reviewer 1 has: an invitation due in 3 days, an accepted review overdue by 2 days,
    a declined one (not open) and one on another topic."""
    reviewer = members[0]
    today = timezone.localdate()
    soon = services.assignment_create(
        submission=submitted_article(author, title="Is coffee safe in pregnancy?"),
        reviewer=reviewer,
        actor=chair,
        response_due=today + datetime.timedelta(days=3),
    )
    late = services.assignment_create(
        submission=submitted_article(author, title="Does zinc shorten a cold?"),
        reviewer=reviewer,
        actor=chair,
    )
    late = services.assignment_accept(assignment=late, actor=reviewer.user)
    services.assignment_set_due_dates(
        assignment=late, actor=chair, review_due=today - datetime.timedelta(days=2)
    )
    declined = services.assignment_create(
        submission=submitted_article(author, title="Can vitamin C prevent colds?"),
        reviewer=reviewer,
        actor=chair,
    )
    services.assignment_decline(assignment=declined, actor=reviewer.user)
    other_topic = TopicFactory(name="Dermatology", slug="dermatology")
    services.assignment_create(
        submission=submitted_article(author, title="Does sunscreen expire?", topic=other_topic),
        reviewer=reviewer,
        actor=chair,
        response_due=today + datetime.timedelta(days=9),
    )
    # Someone else's assignment, never shown to reviewer 1.
    services.assignment_create(
        submission=submitted_article(author, title="Someone else's question?"),
        reviewer=members[1],
        actor=chair,
    )
    return {"reviewer": reviewer, "soon": soon, "late": late, "other_topic": other_topic}


def titles(response):
    return [row.submission.revision.title for row in response.context["cl"].result_list]


def test_a_reviewer_lands_on_their_queue(client, queue):
    client.force_login(queue["reviewer"].user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == QUEUE


def test_the_chair_lands_on_the_admin_index_with_the_board_link(client, chair):
    client.force_login(chair)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert reverse("admin:editorial_board") in response.text


def test_the_queue_lists_open_assignments_soonest_due_first(client, queue):
    client.force_login(queue["reviewer"].user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert titles(response) == [
        "Does zinc shorten a cold?",
        "Is coffee safe in pregnancy?",
        "Does sunscreen expire?",
    ]
    assert "Your review queue" in response.text
    assert response.text.count('class="overdue"') == 1
    assert "Someone else" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "declined"}, ["Can vitamin C prevent colds?"]),
        ({"state": "accepted"}, ["Does zinc shorten a cold?"]),
        ({"overdue": "yes"}, ["Does zinc shorten a cold?"]),
        ({"overdue": "no"}, ["Is coffee safe in pregnancy?", "Does sunscreen expire?"]),
        ({"q": "sunscreen"}, ["Does sunscreen expire?"]),
        (
            {"state": "all", "q": "cold"},
            ["Does zinc shorten a cold?", "Can vitamin C prevent colds?"],
        ),
    ],
)
def test_filters_and_search(client, queue, query, expected):
    client.force_login(queue["reviewer"].user)
    response = client.get(QUEUE, query)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(expected)


def test_the_chair_filters_by_topic(client, queue, chair):
    client.force_login(chair)
    response = client.get(QUEUE, {"submission__article__topic__id__exact": queue["other_topic"].pk})
    assert titles(response) == ["Does sunscreen expire?"]


def test_accept_in_one_click_with_csrf(queue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(queue["reviewer"].user)
    page = client.get(QUEUE)
    accept_url = reverse("admin:editorial_assignment_accept", args=[queue["soon"].pk])
    assert f'formaction="{accept_url}?next={QUEUE}"' in page.text

    refused = client.post(accept_url)  # no CSRF token
    assert refused.status_code == 403

    response = client.post(
        f"{accept_url}?next={QUEUE}", {"csrfmiddlewaretoken": page.cookies["csrftoken"].value}
    )
    assert response.status_code == 302
    assert response.url == QUEUE
    queue["soon"].refresh_from_db()
    assert queue["soon"].state == AssignmentState.ACCEPTED


def test_decline_in_one_click(client, queue):
    client.force_login(queue["reviewer"].user)
    response = client.post(reverse("admin:editorial_assignment_decline", args=[queue["soon"].pk]))
    assert response.status_code == 302
    queue["soon"].refresh_from_db()
    assert queue["soon"].state == AssignmentState.DECLINED


def test_accepting_twice_is_a_message_not_an_error(client, queue):
    client.force_login(queue["reviewer"].user)
    url = reverse("admin:editorial_assignment_accept", args=[queue["late"].pk])
    before = AuditEntry.objects.count()
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Cannot accept this invitation: it is accepted." in response.text
    assert AuditEntry.objects.count() == before


def test_an_open_redirect_is_not_followed(client, queue):
    client.force_login(queue["reviewer"].user)
    url = reverse("admin:editorial_assignment_decline", args=[queue["soon"].pk])
    response = client.post(f"{url}?next=https://evil.example/")
    assert response.url == QUEUE


def test_the_chair_sees_everyones_assignments(client, queue, chair):
    client.force_login(chair)
    response = client.get(QUEUE)
    assert "All assignments" in response.text
    assert "Someone else&#x27;s question?" in response.text
    assert len(titles(response)) == 4


def test_the_chair_gets_accept_buttons_only_for_their_own_invitations(client, queue, chair):
    AssignmentFactory(submission=queue["soon"].submission, reviewer=chair.board_member)
    client.force_login(chair)
    response = client.get(QUEUE)
    assert len(titles(response)) == 5
    assert response.text.count(">Accept</button>") == 1


def test_the_buttons_answer_only_post(client, queue):
    client.force_login(queue["reviewer"].user)
    response = client.get(reverse("admin:editorial_assignment_accept", args=[queue["soon"].pk]))
    assert response.status_code == 405
    queue["soon"].refresh_from_db()
    assert queue["soon"].state == AssignmentState.INVITED


def test_a_reviewer_opening_the_assignment_form_is_sent_to_the_review_screen(client, queue):
    client.force_login(queue["reviewer"].user)
    response = client.get(reverse("admin:editorial_assignment_change", args=[queue["soon"].pk]))
    assert response.url == reverse("admin:editorial_assignment_review", args=[queue["soon"].pk])


def test_the_chair_moves_a_due_date_in_the_assignment_form(client, queue, chair):
    late = queue["late"]
    new_due = timezone.localdate() + datetime.timedelta(days=5)
    client.force_login(chair)
    url = reverse("admin:editorial_assignment_change", args=[late.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"response_due": late.response_due.isoformat(), "review_due": new_due.isoformat()}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.review_due == new_due
    entry = AuditEntry.objects.filter(action="assignment.set_due_dates").latest("sequence")
    assert entry.actor == chair and entry.data["review_due"]["to"] == new_due.isoformat()


def test_reviewers_see_only_their_own_decisions(client, queue, members):
    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=queue["late"],
        actor=queue["reviewer"].user,
        outcome=DecisionOutcome.APPROVE,
        confirmed_no_conflict=True,
    )
    decisions = reverse("admin:editorial_decision_changelist")
    client.force_login(members[1].user)
    assert client.get(decisions).context["cl"].result_count == 0
    client.force_login(queue["reviewer"].user)
    assert client.get(decisions).context["cl"].result_count == 1
    assert Decision.objects.count() == 1
