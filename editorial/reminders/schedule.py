"""Which reminders an assignment is owed, computed from the editorial policy and its due
dates alone (never from queued ETAs), so that any sweep, however late, finds the same slots.

A slot is (kind, sequence, due_at). The sweep claims every slot whose ``due_at`` has passed;
when several reminders to the same person fell due while no sweep ran, only the newest is
sent and the older ones are recorded as superseded (one email that says "overdue", not three
that say "due soon", "due today" and "overdue" at once). Escalations go to the chair and are
always sent.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone


class ReminderKind:
    INVITATION_DUE_SOON = "invitation_due_soon"
    INVITATION_OVERDUE = "invitation_overdue"
    REVIEW_DUE_SOON = "review_due_soon"
    REVIEW_DUE_TODAY = "review_due_today"
    REVIEW_OVERDUE = "review_overdue"
    ESCALATION = "escalation"

    LABELS = {
        INVITATION_DUE_SOON: "Invitation awaiting your answer",
        INVITATION_OVERDUE: "Invitation not answered",
        REVIEW_DUE_SOON: "Review due soon",
        REVIEW_DUE_TODAY: "Review due today",
        REVIEW_OVERDUE: "Review overdue",
        ESCALATION: "Escalated to the chair",
    }


@dataclass(frozen=True, order=True)
class Slot:
    due_at: datetime.datetime
    kind: str
    sequence: int

    @property
    def is_escalation(self):
        return self.kind == ReminderKind.ESCALATION

    def key(self, assignment_id):
        return f"reminder:{assignment_id}:{self.kind}:{self.sequence}"


def start_of_day(day):
    """Midnight at the start of ``day`` in the project's time zone."""
    if isinstance(day, datetime.datetime):
        return day
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _after_due(due, policy, kind):
    interval = datetime.timedelta(days=policy.overdue_reminder_interval_days)
    slots = [
        Slot(due + interval * number, kind, number)
        for number in range(1, policy.overdue_reminder_max + 1)
    ]
    slots.append(
        Slot(due + interval * (policy.overdue_reminder_max + 1), ReminderKind.ESCALATION, 1)
    )
    return slots


def invitation_slots(*, response_due, policy):
    """Slots of an invitation that has not been answered."""
    due = start_of_day(response_due)
    before = datetime.timedelta(days=policy.reminder_days_before_due)
    slots = [Slot(due - before, ReminderKind.INVITATION_DUE_SOON, 1)] if before else []
    return slots + _after_due(due, policy, ReminderKind.INVITATION_OVERDUE)


def review_slots(*, review_due, policy):
    """Slots of an accepted review that has not been decided."""
    due = start_of_day(review_due)
    slots = []
    if policy.reminder_days_before_due:
        before = datetime.timedelta(days=policy.reminder_days_before_due)
        slots.append(Slot(due - before, ReminderKind.REVIEW_DUE_SOON, 1))
    if policy.remind_on_due_day:
        slots.append(Slot(due, ReminderKind.REVIEW_DUE_TODAY, 1))
    return slots + _after_due(due, policy, ReminderKind.REVIEW_OVERDUE)


def owed(slots, *, now, claimed_keys=frozenset(), assignment_id=0, not_before=None):
    """Split the slots due by ``now`` and not yet claimed into ``(send, supersede)``: the
    newest reminder (plus any escalation) is sent, older reminders owed at the same time
    are claimed as superseded. Slots due before ``not_before`` (e.g. before the reviewer was
    invited) are never owed."""
    due = [
        slot
        for slot in sorted(slots)
        if slot.due_at <= now
        and slot.key(assignment_id) not in claimed_keys
        and (not_before is None or slot.due_at >= not_before)
    ]
    reminders = [slot for slot in due if not slot.is_escalation]
    send = [slot for slot in due if slot.is_escalation] + reminders[-1:]
    supersede = reminders[:-1]
    return sorted(send), supersede


def next_due(slots, *, claimed_keys=frozenset(), assignment_id=0):
    """When the next unclaimed slot falls due (for the sweep's index), or None."""
    pending = [slot.due_at for slot in slots if slot.key(assignment_id) not in claimed_keys]
    return min(pending) if pending else None
