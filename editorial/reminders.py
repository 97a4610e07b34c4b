"""Reminders, escalations and the daily digest, found by the sweep from the database.

Candidates come from the partial indexes on open assignments' due dates: an assignment is
looked at only from ``reminder_days_before_due`` days before it is due until it has been
escalated. For each batch (one query for the batch, one for the claims already made, one
insert and one read of the outbox), the schedule says which slots are owed; each slot is
claimed by inserting its outbox row under the unique ``dedupe_key``, so two sweeps at once
claim it once.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from editorial import notifications, services
from editorial.models import (
    Assignment,
    AssignmentState,
    Notification,
    NotificationKind,
)
from editorial.outbox import absolute_url, notifications_queue, render_notification
from editorial.schedule import ReminderKind, invitation_slots, owed, review_slots
from reviewers.models import BoardMember

BATCH_SIZE = 500
DIGEST_HOUR = 7  # local time; the first sweep after it sends the day's digests
DIGEST_LIMIT = 25  # open reviews listed in a digest, most urgent first; the rest are counted

SUBJECTS = {
    ReminderKind.INVITATION_DUE_SOON: "Please answer the invitation to review: {title}",
    ReminderKind.INVITATION_OVERDUE: "Invitation not answered (reminder {sequence}): {title}",
    ReminderKind.REVIEW_DUE_SOON: "Review due on {due}: {title}",
    ReminderKind.REVIEW_DUE_TODAY: "Review due today: {title}",
    ReminderKind.REVIEW_OVERDUE: "Review overdue (reminder {sequence}): {title}",
}


def candidates(*, today, policy):
    """Open, unescalated assignments that may owe a reminder by ``today``."""
    horizon = today + datetime.timedelta(days=policy.reminder_days_before_due)
    return Assignment.objects.filter(
        Q(state=AssignmentState.INVITED, response_due__lte=horizon)
        | Q(state=AssignmentState.ACCEPTED, review_due__lte=horizon),
        escalated_at__isnull=True,
    )


def slots_of(assignment, policy):
    if assignment.state == AssignmentState.INVITED:
        return invitation_slots(response_due=assignment.response_due, policy=policy)
    return review_slots(review_due=assignment.review_due, policy=policy)


def _review_link(assignment):
    return absolute_url(reverse("admin:editorial_assignment_review", args=[assignment.pk]))


def _reminder(assignment, slot, *, superseded=False):
    submission = assignment.submission
    title = submission.revision.title
    due = (
        assignment.review_due
        if assignment.state == AssignmentState.ACCEPTED
        else (assignment.response_due)
    )
    subject = SUBJECTS[slot.kind].format(
        title=notifications.short(title), sequence=slot.sequence, due=date_format(due, "F j")
    )
    if superseded:  # claimed so that it is never sent; nobody will read a body
        return Notification(
            kind=NotificationKind.REMINDER,
            dedupe_key=slot.key(assignment.pk),
            recipient=assignment.reviewer.user,
            to_email=assignment.reviewer.user.email,
            subject=subject,
            body_text="",
            body_html="",
            article=submission.article,
            submission=submission,
            assignment=assignment,
            superseded=True,
        )
    return render_notification(
        template="reminder",
        context={
            "assignment": assignment,
            "submission": submission,
            "title": title,
            "label": ReminderKind.LABELS[slot.kind],
            "due": due,
            "link": _review_link(assignment),
        },
        kind=NotificationKind.REMINDER,
        dedupe_key=slot.key(assignment.pk),
        recipient=assignment.reviewer.user,
        to_email=assignment.reviewer.user.email,
        subject=subject,
        link=_review_link(assignment),
        article=submission.article,
        submission=submission,
        assignment=assignment,
    )


def _escalation_rows(assignment, slot, chairs):
    submission = assignment.submission
    title = submission.revision.title
    link = absolute_url(reverse("admin:editorial_board"))
    return [
        render_notification(
            template="escalation",
            context={
                "assignment": assignment,
                "submission": submission,
                "title": title,
                "link": link,
                "policy_reminders": slot.sequence,
            },
            kind=NotificationKind.ESCALATION,
            dedupe_key=f"{slot.key(assignment.pk)}:chair:{chair.pk}",
            recipient=chair,
            to_email=chair.email,
            subject=f"Escalated: {assignment.reviewer.display_name} has not answered on "
            f"{notifications.short(title)}",
            link=link,
            article=submission.article,
            submission=submission,
            assignment=assignment,
        )
        for chair in chairs
    ]


def sweep_reminders(*, now, policy, result):
    """Claim every reminder and escalation owed at ``now``; add the outbox rows to send to
    ``result.queued`` (the caller sends them)."""
    today = timezone.localdate(now)
    chairs = list(notifications.chairs())
    # The ids first, in one query the partial due-date indexes answer; then the rows in
    # batches. (Keyset paging ORDER BY pk LIMIT n would walk the primary key instead.)
    ids = list(candidates(today=today, policy=policy).order_by().values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = list(
            Assignment.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
            .select_related("reviewer__user", "submission__revision", "submission__article")
            .order_by("pk")
        )
        with transaction.atomic():
            _claim_batch(batch, now=now, policy=policy, chairs=chairs, result=result)


def _claim_batch(batch, *, now, policy, chairs, result):
    all_slots = {assignment.pk: slots_of(assignment, policy) for assignment in batch}
    keys = []
    for pk, slots in all_slots.items():
        for slot in slots:
            keys.append(slot.key(pk))
            if slot.is_escalation:
                keys.extend(f"{slot.key(pk)}:chair:{chair.pk}" for chair in chairs)
    claimed = set(
        Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    rows, escalate = [], []
    for assignment in batch:
        send, supersede = owed(
            all_slots[assignment.pk],
            now=now,
            claimed_keys=claimed,
            assignment_id=assignment.pk,
        )
        if not assignment.reviewer.user.email:
            send, supersede = [slot for slot in send if slot.is_escalation], []
        for slot in send:
            if slot.is_escalation:
                escalate.append(assignment)
                rows.extend(_escalation_rows(assignment, slot, chairs))
            else:
                rows.append(_reminder(assignment, slot))
        rows.extend(_reminder(assignment, slot, superseded=True) for slot in supersede)
    rows = [row for row in rows if row.dedupe_key not in claimed]
    result.queued.extend(notifications_queue(rows, enqueue=False))
    result.reminders_claimed += sum(
        1 for row in rows if row.kind == NotificationKind.REMINDER and not row.superseded
    )
    result.reminders_superseded += sum(1 for row in rows if row.superseded)
    for assignment in escalate:
        services.assignment_escalate(
            assignment=assignment,
            reason=f"No answer after {policy.overdue_reminder_max} overdue reminders.",
        )
        result.escalations_claimed += 1


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
