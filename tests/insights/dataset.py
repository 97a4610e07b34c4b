"""A small, fixed board history in March 2026, with figures worked out by hand in
tests/insights/test_statistics.py. Rows are written directly (the services would stamp
"now"); the state fields are set with ``update`` as the services would have left them."""

import datetime

from django.utils import timezone

from articles.models import Article, Feedback, FeedbackKind, FeedbackStatus, ReviewStatus
from editorial.models import (
    Assignment,
    AssignmentState,
    Notification,
    NotificationKind,
    Submission,
    SubmissionState,
)
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    BoardMemberFactory,
    RevisionFactory,
    SubmissionFactory,
    TopicFactory,
)

TODAY = datetime.date(2026, 3, 31)


def at(day, hour=0, minute=0, *, month=3):
    """An instant in the site's time zone."""
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


def _assignment(reviewer, topic, *, invited, responded=None, completed=None, **state):
    submission = SubmissionFactory(revision=RevisionFactory(article=ArticleFactory(topic=topic)))
    assignment = AssignmentFactory(submission=submission, reviewer=reviewer)
    fields = {"invited_at": invited, "response_due": invited.date() + datetime.timedelta(days=4)}
    if responded is not None:
        fields |= {"responded_at": responded, "state": AssignmentState.ACCEPTED}
        fields["review_due"] = responded.date() + datetime.timedelta(days=14)
    if completed is not None:
        fields |= {"completed_at": completed, "state": AssignmentState.COMPLETED}
    fields |= state
    Assignment.objects.filter(pk=assignment.pk).update(**fields)
    assignment.refresh_from_db()
    return assignment


def build():
    topic = TopicFactory(name="Hematology", slug="hematology")
    other_topic = TopicFactory(name="Neurology", slug="neurology")
    raman = BoardMemberFactory(display_name="Dr. A Raman", max_open_assignments=4)
    okafor = BoardMemberFactory(display_name="Dr. B Okafor", max_open_assignments=2)
    rows = {
        # Response 1 day, decision 4 days.
        "a1": _assignment(raman, topic, invited=at(1), responded=at(2), completed=at(6)),
        # Response 3 days, decision 10 days; three reminders before it was done.
        "a2": _assignment(raman, topic, invited=at(1), responded=at(4), completed=at(14)),
        # Declined after 2 and 6 days, both "Too busy".
        "a3": _assignment(
            okafor,
            topic,
            invited=at(10),
            responded=at(12),
            state=AssignmentState.DECLINED,
            review_due=None,
            close_reason="Too busy",
        ),
        "a4": _assignment(
            okafor,
            other_topic,
            invited=at(10),
            responded=at(16),
            state=AssignmentState.DECLINED,
            review_due=None,
            close_reason="Too busy ",
        ),
        # Still invited, past its response date, escalated: open, overdue, escalated.
        "a5": _assignment(okafor, topic, invited=at(20), escalated_at=at(28)),
        # Accepted after half a day, still in review (due 3 April).
        "a6": _assignment(raman, topic, invited=at(20), responded=at(20, 12)),
        # January: outside the period. Response 4 days, decision 15 days.
        "a7": _assignment(
            raman,
            topic,
            invited=at(1, month=1),
            responded=at(5, month=1),
            completed=at(20, month=1),
        ),
    }
    for sequence in range(3):
        Notification.objects.create(
            kind=NotificationKind.REMINDER,
            dedupe_key=f"reminder:{rows['a2'].pk}:{sequence}",
            to_email="raman@example.org",
            subject="Reminder",
            body_text="Reminder",
            body_html="<p>Reminder</p>",
            assignment=rows["a2"],
            submission=rows["a2"].submission,
        )
    # One approval: submitted 1 March, approved 8 March (7 days).
    approved = SubmissionFactory(revision=RevisionFactory(article=ArticleFactory(topic=topic)))
    Submission.objects.filter(pk=approved.pk).update(
        state=SubmissionState.APPROVED, submitted_at=at(1), decided_at=at(8)
    )
    # Reader reports: one error triaged after 2 days (its note edited 4 days later, which
    # does not move its triage); one still new; a question.
    article = approved.article
    triaged = Feedback.objects.create(article=article, kind=FeedbackKind.ERROR, message="Wrong.")
    Feedback.objects.filter(pk=triaged.pk).update(
        created_at=at(3), triaged_at=at(5), updated_at=at(9), status=FeedbackStatus.VALID
    )
    Feedback.objects.create(article=article, kind=FeedbackKind.ERROR, message="Also wrong.")
    question = Feedback.objects.create(article=article, kind=FeedbackKind.QUESTION, message="?")
    Feedback.objects.filter(pk=question.pk).update(
        created_at=at(3), updated_at=at(4), status=FeedbackStatus.ANSWERED
    )
    # The re-review horizon, which is as of the real today: published articles due -1, 10,
    # 45, 80 and 200 days from it.
    today = timezone.localdate()
    for offset in (-1, 10, 45, 80, 200):
        revision = RevisionFactory(article=ArticleFactory(topic=topic))
        Article.objects.filter(pk=revision.article_id).update(
            published_revision=revision,
            review_status=ReviewStatus.APPROVED,
            next_review_due=today + datetime.timedelta(days=offset),
        )
    return {"topic": topic, "other_topic": other_topic, "raman": raman, "okafor": okafor, **rows}


def build_more():
    """More of the same kind of rows, to show that the query count does not grow."""
    topic = TopicFactory(slug="hematology")
    reviewer = BoardMemberFactory()
    _assignment(reviewer, topic, invited=at(2), responded=at(3), completed=at(9))
    _assignment(
        reviewer,
        topic,
        invited=at(2),
        responded=at(5),
        state=AssignmentState.DECLINED,
        review_due=None,
        close_reason="On leave",
    )
