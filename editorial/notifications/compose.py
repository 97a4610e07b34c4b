"""Who hears about what. Each function builds outbox rows inside the transaction of the
change (see ``editorial.outbox``); nothing here talks to the outside world."""

from django.urls import reverse
from django.utils.formats import date_format

from articles.text import header_safe
from editorial.actions import AUTHOR_EMAIL_SUBJECTS
from editorial.models import NotificationKind
from editorial.notifications.outbox import absolute_url, notifications_queue, render_notification
from editorial.roles import chairs


def short(title):
    """The title as it may stand in a subject line: one line (titles stored before
    validation may hold line breaks), at most 100 characters."""
    title = header_safe(title)
    return title if len(title) <= 100 else title[:99] + "…"


def queue_author_event(*, entry, submission):
    """Tell the article's authors about an audited event on their submission."""
    subject = AUTHOR_EMAIL_SUBJECTS.get(entry.action)
    if subject is None:
        return []
    title = submission.revision.title
    # The author's own page of this article: its state, the reviewers' comments, revise.
    link = absolute_url(reverse("author:detail", args=[submission.article_id]))
    rows = [
        render_notification(
            template="event",
            context={
                "entry": entry,
                "submission": submission,
                "title": title,
                "user": author,
                "link": link,
            },
            kind=NotificationKind.EVENT,
            dedupe_key=f"event:{entry.pk}:user:{author.pk}",
            recipient=author,
            to_email=author.email,
            subject=subject.format(title=short(title)),
            link=link,
            article=submission.article,
            submission=submission,
        )
        for author in submission.article.authors.all()
        if author.email
    ]
    return notifications_queue(rows)


def queue_re_review(*, entry, submission):
    """Tell the chairs that an approved article is back in review, and why."""
    title = submission.revision.title
    link = absolute_url(reverse("admin:editorial_submission_change", args=[submission.pk]))
    rows = [
        render_notification(
            template="re_review",
            context={"entry": entry, "submission": submission, "title": title, "link": link},
            kind=NotificationKind.RE_REVIEW,
            dedupe_key=f"re_review:{entry.pk}:user:{chair.pk}",
            recipient=chair,
            to_email=chair.email,
            subject=f"Re-review opened: {short(title)}",
            link=link,
            article=submission.article,
            submission=submission,
        )
        for chair in chairs()
    ]
    return notifications_queue(rows)


def _board_notification(
    *, entry, submission, user, subject, message, link, assignment=None, template="board_event"
):
    return render_notification(
        template=template,
        context={
            "entry": entry,
            "submission": submission,
            "title": submission.revision.title,
            "user": user,
            "message": message,
            "link": link,
            "assignment": assignment,
        },
        kind=NotificationKind.EVENT,
        dedupe_key=f"event:{entry.pk}:user:{user.pk}",
        recipient=user,
        to_email=user.email,
        subject=subject.format(title=short(submission.revision.title)),
        link=link,
        article=submission.article,
        submission=submission,
        assignment=assignment,
    )


def _queue_to_reviewer(*, entry, assignment, subject, message, link, template="board_event"):
    user = assignment.reviewer.user
    if not user.email:
        return []
    return notifications_queue(
        [
            _board_notification(
                entry=entry,
                submission=assignment.submission,
                user=user,
                subject=subject,
                message=message,
                link=link,
                assignment=assignment,
                template=template,
            )
        ]
    )


def queue_reviewer_invitation(*, entry, assignment):
    """Invite a board member to review, with the day their answer is due and the chair's
    note (``assignment.invitation_message``), if any."""
    return _queue_to_reviewer(
        entry=entry,
        assignment=assignment,
        subject="Invitation to review: {title}",
        message="You are invited to review this article. Please accept or decline by "
        f"{date_format(assignment.response_due, 'F j, Y')}.",
        link=absolute_url(reverse("admin:editorial_assignment_review", args=[assignment.pk])),
        template="invitation",
    )


def queue_chair_event(*, entry, submission, subject, message):
    """Tell the board chairs about something waiting for them."""
    link = absolute_url(reverse("admin:editorial_board"))
    return notifications_queue(
        _board_notification(
            entry=entry,
            submission=submission,
            user=chair,
            subject=subject,
            message=message,
            link=link,
        )
        for chair in chairs()
    )


def queue_assignment_withdrawn(*, entry, assignment):
    """Tell a reviewer that the chair took their assignment back (or it closed because the
    submission left review), so they stop working on it."""
    return _queue_to_reviewer(
        entry=entry,
        assignment=assignment,
        subject="No longer needed: your review of {title}",
        message="This review has been withdrawn; there is nothing more to do on it.",
        link=absolute_url(reverse("admin:editorial_assignment_changelist")),
    )
