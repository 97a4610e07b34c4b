"""Issue 4: every email, reminder and escalation the outbox recorded is visible in the
admin: a read-only list for the chair, and on the submission, assignment and article pages
the notifications about them, newest first, in a fixed number of queries."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

_keys = itertools.count()


def notify(*, subject, kind=NotificationKind.EVENT, to_email="ada@example.org", **fields):
    return Notification.objects.create(
        kind=kind,
        dedupe_key=f"test:{next(_keys)}",
        to_email=to_email,
        subject=subject,
        body_text=subject,
        body_html=f"<p>{subject}</p>",
        **fields,
    )


def at(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


CHANGELIST = "admin:editorial_notification_changelist"


def test_the_chair_reads_the_outbox_filtered_and_searched(client, chair, submitted):
    Notification.objects.all().delete()  # the submission's own, to start from a known outbox
    notify(subject="About the submission", submission=submitted, sent_at=at(3))
    notify(subject="Reminder: review due", kind=NotificationKind.REMINDER, sent_at=at(1))
    notify(subject="Escalation: overdue review", kind=NotificationKind.ESCALATION)
    notify(subject="Invitation to review", to_email="ben@example.org", sent_at=at(2))
    client.force_login(chair)

    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 4

    unsent = client.get(reverse(CHANGELIST), {"sent": "no"})
    assert [n.subject for n in unsent.context["cl"].result_list] == ["Escalation: overdue review"]

    reminders = client.get(reverse(CHANGELIST), {"kind__exact": NotificationKind.REMINDER})
    assert [n.subject for n in reminders.context["cl"].result_list] == ["Reminder: review due"]

    by_email = client.get(reverse(CHANGELIST), {"q": "ben@example"})
    assert [n.subject for n in by_email.context["cl"].result_list] == ["Invitation to review"]

    by_submission = client.get(reverse(CHANGELIST), {"submission__id__exact": submitted.pk})
    assert [n.subject for n in by_submission.context["cl"].result_list] == ["About the submission"]


def test_the_outbox_cannot_be_added_to_changed_or_deleted(client, chair):
    notification = notify(subject="Approved and published")
    client.force_login(chair)
    change = reverse("admin:editorial_notification_change", args=[notification.pk])

    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode(), "read-only: no save button"
    assert client.post(change, {"subject": "Edited"}).status_code == 403
    assert client.get(reverse("admin:editorial_notification_add")).status_code == 403
    delete = reverse("admin:editorial_notification_delete", args=[notification.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    notification.refresh_from_db()
    assert notification.subject == "Approved and published"


def test_a_reviewer_does_not_read_the_outbox(client, members, submitted):
    notify(subject="Invitation to review", submission=submitted, article=submitted.article)
    client.force_login(members[0].user)

    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_the_submission_page_lists_its_notifications_newest_first(client, chair, submitted):
    Notification.objects.filter(submission=submitted).delete()
    notify(subject="Older: invitation", submission=submitted, created_at=at(30), sent_at=at(29))
    notify(
        subject="Newer: reminder",
        kind=NotificationKind.REMINDER,
        submission=submitted,
        created_at=at(5),
        attempts=2,
        last_error="Connection refused",
    )
    notify(subject="Another submission's", created_at=at(1))
    client.force_login(chair)

    html = client.get(
        reverse("admin:editorial_submission_change", args=[submitted.pk])
    ).content.decode()

    assert html.index("Newer: reminder") < html.index("Older: invitation")
    assert "Another submission&#x27;s" not in html and "Another submission's" not in html
    assert "Not sent</strong> (2 attempts: Connection refused)" in html
    assert "Sent <time" in html


def test_the_assignment_page_lists_its_reminders_and_its_invitation(client, chair, invited):
    reviewer = invited.reviewer.user
    notify(
        subject="Reminder for this assignment",
        kind=NotificationKind.REMINDER,
        assignment=invited,
        submission=invited.submission,
        recipient=reviewer,
    )
    notify(
        subject="Someone else's invitation",
        submission=invited.submission,
        to_email="other@example.org",
    )
    client.force_login(chair)

    html = client.get(
        reverse("admin:editorial_assignment_change", args=[invited.pk])
    ).content.decode()

    assert "Reminder for this assignment" in html
    assert "Invitation to review" in html, "the invitation the assignment service queued"
    assert "else&#x27;s invitation" not in html


def test_the_article_page_lists_its_notifications(client, chair, submitted):
    notify(subject="About this article", article=submitted.article, submission=submitted)
    client.force_login(chair)

    html = client.get(
        reverse("admin:articles_article_change", args=[submitted.article.pk])
    ).content.decode()

    assert "About this article" in html


def test_a_reviewer_sees_no_notifications_on_a_submission(client, accepted):
    notify(subject="Private to the author", submission=accepted.submission)
    client.force_login(accepted.reviewer.user)

    page = client.get(reverse("admin:editorial_submission_change", args=[accepted.submission.pk]))

    assert page.status_code == 200
    assert "Private to the author" not in page.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page", ["admin:editorial_submission_change", "admin:editorial_assignment_change"]
)
def test_the_notification_lists_cost_the_same_queries_for_2_or_20(client, chair, invited, page):
    obj = invited.submission if "submission" in page else invited
    url = reverse(page, args=[obj.pk])
    client.force_login(chair)

    def add(count):
        for number in range(count):
            notify(
                subject=f"Reminder {number}",
                kind=NotificationKind.REMINDER,
                submission=invited.submission,
                assignment=invited,
                article=invited.submission.article,
            )

    add(2)
    client.get(url)  # warm the session and the content types
    few = count_queries(client, url)
    add(18)
    many = count_queries(client, url)

    assert many == few


def test_the_article_page_costs_the_same_queries_for_2_or_20(client, chair, submitted):
    url = reverse("admin:articles_article_change", args=[submitted.article.pk])
    client.force_login(chair)
    for number in range(2):
        notify(subject=f"Event {number}", article=submitted.article)
    client.get(url)
    few = count_queries(client, url)
    for number in range(18):
        notify(subject=f"Later event {number}", article=submitted.article)

    assert count_queries(client, url) == few


def test_the_outbox_list_costs_the_same_queries_for_2_or_20(client, chair, submitted):
    client.force_login(chair)
    for number in range(2):
        notify(subject=f"Event {number}", article=submitted.article)
    client.get(reverse(CHANGELIST))
    few = count_queries(client, reverse(CHANGELIST))
    for number in range(18):
        notify(subject=f"Later event {number}", article=submitted.article)

    assert count_queries(client, reverse(CHANGELIST)) == few
