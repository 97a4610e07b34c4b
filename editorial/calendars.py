"""Calendar feeds (iCalendar, RFC 5545) of the board's due dates. A calendar client
fetches the whole feed each time, so an event whose assignment closed simply is not there
any more, and one whose date moved carries the new date under the same UID."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from articles.models import Article
from editorial.models import Assignment, AssignmentState

PRODUCT = "-//Imprimatur//Review due dates//EN"


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _uid(name):
    return f"{name}@{urlsplit(settings.SITE_URL).hostname or 'imprimatur'}"


def _event(*, uid, day, summary, url, stamp, description=""):
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("dtstamp", stamp)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def _assignment_event(assignment, *, with_reviewer):
    title = assignment.submission.revision.title
    who = f" ({assignment.reviewer.display_name})" if with_reviewer else ""
    if assignment.state == AssignmentState.INVITED:
        day, what = assignment.response_due, "Answer the invitation to review"
        path = reverse("admin:editorial_assignment_changelist")
    else:
        day, what = assignment.review_due, "Review due"
        path = reverse("admin:editorial_assignment_review", args=[assignment.pk])
    return _event(
        # One UID per assignment and step: a moved date updates the event in place.
        uid=_uid(f"assignment-{assignment.pk}-{assignment.state}"),
        day=day,
        summary=f"{what}: {title}{who}",
        url=settings.SITE_URL + path,
        stamp=assignment.updated_at,
    )


def _open_assignments():
    return (
        Assignment.objects.open().select_related("submission__revision", "reviewer").order_by("pk")
    )


def member_feed(member):
    """``member``'s open assignments: the day to answer an invitation, then the day the
    review is due."""
    calendar = _calendar(f"{settings.SITE_NAME}: my reviews")
    for assignment in _open_assignments().filter(reviewer=member):
        calendar.add_component(_assignment_event(assignment, with_reviewer=False))
    return calendar.to_ical()


def board_feed():
    """The chair's calendar: every open assignment's due date, and every published
    article's next review date."""
    calendar = _calendar(f"{settings.SITE_NAME}: the board's due dates")
    for assignment in _open_assignments():
        calendar.add_component(_assignment_event(assignment, with_reviewer=True))
    articles = (
        Article.objects.published()
        .filter(next_review_due__isnull=False)
        .select_related("published_revision")
        .order_by("next_review_due", "pk")
    )
    stamp = timezone.now()
    for article in articles:
        calendar.add_component(
            _event(
                uid=_uid(f"re-review-{article.pk}"),
                day=article.next_review_due,
                summary=f"Re-review due: {article.published_revision.title}",
                url=settings.SITE_URL + article.get_absolute_url(),
                stamp=article.last_reviewed_at or stamp,
            )
        )
    return calendar.to_ical()
