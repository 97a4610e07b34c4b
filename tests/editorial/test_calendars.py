"""Calendar feeds: parsed back with icalendar, they follow the assignments."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from icalendar import Calendar

from editorial import services
from editorial.models import CalendarToken
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory

pytestmark = pytest.mark.django_db


def feed(client, token, name="reviews.ics"):
    response = client.get(f"/calendar/{token}/{name}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar):
    return {
        str(event["uid"]).split("@")[0]: (event.decoded("dtstart"), str(event["summary"]))
        for event in calendar.walk("VEVENT")
    }


def test_a_member_feed_follows_accept_due_date_changes_reassign_and_withdraw(
    client, invited, members, chair
):
    first, second = members[0], members[1]
    token = CalendarToken.issue(first.user)
    title = invited.submission.revision.title

    assert events(feed(client, token)) == {
        f"assignment-{invited.pk}-invited": (
            invited.response_due,
            f"Answer the invitation to review: {title}",
        )
    }

    accepted = services.assignment_accept(assignment=invited, actor=first.user)
    assert events(feed(client, token)) == {
        f"assignment-{invited.pk}-accepted": (accepted.review_due, f"Review due: {title}")
    }

    moved = accepted.review_due + datetime.timedelta(days=5)
    services.assignment_set_due_dates(assignment=accepted, actor=chair, review_due=moved)
    assert events(feed(client, token))[f"assignment-{invited.pk}-accepted"][0] == moved

    replacement = services.assignment_reassign(assignment=accepted, reviewer=second, actor=chair)
    assert events(feed(client, token)) == {}
    second_token = CalendarToken.issue(second.user)
    assert list(events(feed(client, second_token))) == [f"assignment-{replacement.pk}-invited"]

    services.assignment_withdraw(assignment=replacement, actor=chair, reason="Not needed.")
    assert events(feed(client, second_token)) == {}


def test_the_chair_feed_has_every_due_date_and_next_review_date(client, invited, members, chair):
    services.assignment_create(submission=invited.submission, reviewer=members[1], actor=chair)
    article = ArticleFactory(slug="published-one")
    lock_and_publish(
        RevisionFactory(article=article, number=1, title="Is this current?"),
        reviewers=make_reviewers(1, tag="cal"),
    )
    token = CalendarToken.issue(chair)

    found = events(feed(client, token, "board.ics"))

    assert len([uid for uid in found if uid.startswith("assignment-")]) == 2
    assert any("(Dr. Ada Reyes)" in summary for _, summary in found.values())
    assert found[f"re-review-{article.pk}"] == (
        article.next_review_due,
        "Re-review due: Is this current?",
    )


def test_a_wrong_or_reset_token_is_404_and_members_get_no_board_feed(client, invited):
    member = invited.reviewer
    old = CalendarToken.issue(member.user)
    new = CalendarToken.issue(member.user)
    assert client.get(f"/calendar/{old}/reviews.ics").status_code == 404
    assert client.get("/calendar/not-a-token/reviews.ics").status_code == 404
    assert client.get(f"/calendar/{new}/reviews.ics").status_code == 200
    assert client.get(f"/calendar/{new}/board.ics").status_code == 404
    assert client.post(f"/calendar/{new}/reviews.ics").status_code == 405


def test_the_chair_issues_a_members_link_from_the_admin_shown_once(client, chair, members):
    member = members[0]
    client.force_login(chair)
    page = client.get(reverse("admin:reviewers_boardmember_change", args=[member.pk]))
    assert "Issue a calendar link" in page.content.decode()
    url = reverse("admin:editorial_boardmember_calendar_link", args=[member.pk])
    assert client.get(url).status_code == 405

    response = client.post(url, follow=True)

    [message] = [str(m) for m in get_messages(response.wsgi_request) if "calendar" in str(m)]
    link = message.split(": ", 1)[1].split(" ")[0]
    token = link.split("/calendar/")[1].split("/")[0]
    assert CalendarToken.holder(token) == member.user
    assert token not in CalendarToken.objects.get().token_hash
    page = client.get(reverse("admin:reviewers_boardmember_change", args=[member.pk]))
    assert token not in page.content.decode()
    assert "Issue a new calendar link" in page.content.decode()


def test_another_member_cannot_issue_someone_elses_link(client, members):
    client.force_login(members[1].user)
    url = reverse("admin:editorial_boardmember_calendar_link", args=[members[0].pk])
    assert client.post(url).status_code == 403
    assert not CalendarToken.objects.exists()
