"""The daily digest: once a day each board member who wants it gets one email listing
their most urgent open reviews."""

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from editorial.models import Assignment, Notification, NotificationKind
from editorial.notifications.outbox import absolute_url, notifications_queue, render_notification
from reviewers.models import BoardMember

DIGEST_HOUR = 7  # local time; the first sweep after it sends the day's digests
DIGEST_LIMIT = 25  # open reviews listed in a digest, most urgent first; the rest are counted


def _digest_key(member_pk, day):
    return f"digest:{member_pk}:{day.isoformat()}"


def sweep_digests(*, now, result):
    """Once a day, after ``DIGEST_HOUR``, each member who wants it gets one email listing
    their ``DIGEST_LIMIT`` most urgent open reviews (soonest date owed: the review once
    accepted, else the answer to the invitation) and how many there are in all (the
    dedupe key carries the date, so a day has one digest). Members already sent today's are
    skipped before anything is read or rendered: the sweep runs every few minutes."""
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return
    day = local.date()
    candidates = {
        member.pk: member
        for member in BoardMember.objects.active()
        .filter(wants_daily_digest=True)
        .filter(Exists(Assignment.objects.open().filter(reviewer=OuterRef("pk"))))
        .exclude(user__email="")
        .select_related("user")
    }
    sent = set(
        Notification.objects.filter(
            dedupe_key__in=[_digest_key(pk, day) for pk in candidates]
        ).values_list("dedupe_key", flat=True)
    )
    members = [m for pk, m in candidates.items() if _digest_key(pk, day) not in sent]
    if not members:
        return
    open_work = Assignment.objects.open().filter(reviewer__in=members)
    totals = dict(open_work.values_list("reviewer_id").annotate(total=Count("pk")).order_by())
    most_urgent = (
        # The next date each owes something: the review once accepted, else the answer.
        open_work.alias(owed_by=Coalesce("review_due", "response_due"))
        .alias(
            urgency=Window(
                RowNumber(),
                partition_by=F("reviewer_id"),
                order_by=[F("owed_by").asc(), F("pk").asc()],
            )
        )
        .filter(urgency__lte=DIGEST_LIMIT)
        .select_related("submission__revision", "submission__article")
        .order_by("owed_by", "pk")
    )
    by_member = {}
    for assignment in most_urgent:
        by_member.setdefault(assignment.reviewer_id, []).append(assignment)
    # Work assigned between the two reads must not make "and -1 more".
    counts = {pk: max(totals.get(pk, 0), len(listed)) for pk, listed in by_member.items()}
    link = absolute_url(reverse("admin:index"))
    rows = [
        render_notification(
            template="digest",
            context={
                "member": member,
                "assignments": by_member[member.pk],
                "more": counts[member.pk] - len(by_member[member.pk]),
                "day": day,
                "link": link,
            },
            kind=NotificationKind.DIGEST,
            dedupe_key=_digest_key(member.pk, day),
            recipient=member.user,
            to_email=member.user.email,
            subject=f"Your open reviews on {date_format(day, 'F j')}: {counts[member.pk]}",
            link=link,
        )
        for member in members
        if member.pk in by_member
    ]
    with transaction.atomic():
        result.queued.extend(notifications_queue(rows, enqueue=False))
    result.digests_claimed += len(rows)
