"""Reminders and escalations, found by the sweep from the database.

Candidates come from the partial indexes on open assignments' due dates: an assignment is
looked at only from ``reminder_days_before_due`` days before it is due until it has been
escalated. For each batch (one query for the batch, one for the claims already made, one
insert and one read of the outbox), the schedule says which slots are owed; each slot is
claimed by inserting its outbox row under the unique ``dedupe_key``, so two sweeps at once
claim it once.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from editorial import roles, services
from editorial.models import (
    Assignment,
    AssignmentState,
    Notification,
    NotificationKind,
)
from editorial.notifications import compose
from editorial.notifications.outbox import absolute_url, notifications_queue, render_notification
from editorial.reminders.schedule import ReminderKind, invitation_slots, owed, review_slots

BATCH_SIZE = 500

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
        title=compose.short(title), sequence=slot.sequence, due=date_format(due, "F j")
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
            f"{compose.short(title)}",
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
    chairs = list(roles.chairs())
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
