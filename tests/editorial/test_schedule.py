"""The policy's reminder schedule: which reminders are owed at a given moment."""

import datetime

import pytest
from django.utils import timezone

from editorial.models import EditorialPolicy
from editorial.reminders.schedule import ReminderKind as K
from editorial.reminders.schedule import (
    invitation_slots,
    next_due,
    owed,
    review_slots,
    start_of_day,
)

DUE = datetime.date(2026, 3, 20)  # review due date of the cases below
POLICY = EditorialPolicy()  # the defaults in DESIGN.md: 2 days before, on the day, 3×3 overdue


def at(day_offset, hour=9):
    """``day_offset`` days after the due date, at ``hour`` o'clock local time."""
    return start_of_day(DUE) + datetime.timedelta(days=day_offset, hours=hour)


def names(slots):
    return [(slot.kind, slot.sequence) for slot in slots]


def claim(slots, assignment_id=1):
    return frozenset(slot.key(assignment_id) for slot in slots)


def test_the_default_review_schedule():
    slots = review_slots(review_due=DUE, policy=POLICY)
    assert [
        (slot.kind, slot.sequence, (slot.due_at - start_of_day(DUE)).days) for slot in slots
    ] == [
        (K.REVIEW_DUE_SOON, 1, -2),
        (K.REVIEW_DUE_TODAY, 1, 0),
        (K.REVIEW_OVERDUE, 1, 3),
        (K.REVIEW_OVERDUE, 2, 6),
        (K.REVIEW_OVERDUE, 3, 9),
        (K.ESCALATION, 1, 12),
    ]


# (what has been claimed before, when the sweep runs, sent now, superseded now)
CASES = [
    pytest.param([], at(-5), [], [], id="nothing due five days before"),
    pytest.param([], at(-2), [(K.REVIEW_DUE_SOON, 1)], [], id="two days before: due soon"),
    pytest.param([(K.REVIEW_DUE_SOON, 1)], at(-1), [], [], id="due soon already sent"),
    pytest.param([(K.REVIEW_DUE_SOON, 1)], at(0), [(K.REVIEW_DUE_TODAY, 1)], [], id="on the day"),
    pytest.param(
        [(K.REVIEW_DUE_SOON, 1), (K.REVIEW_DUE_TODAY, 1)],
        at(3),
        [(K.REVIEW_OVERDUE, 1)],
        [],
        id="first overdue three days late",
    ),
    pytest.param(
        [(K.REVIEW_DUE_SOON, 1)],
        at(3),
        [(K.REVIEW_OVERDUE, 1)],
        [(K.REVIEW_DUE_TODAY, 1)],
        id="sweep skipped for three days: one email, the stale one superseded",
    ),
    pytest.param(
        [],
        at(7),
        [(K.REVIEW_OVERDUE, 2)],
        [(K.REVIEW_DUE_SOON, 1), (K.REVIEW_DUE_TODAY, 1), (K.REVIEW_OVERDUE, 1)],
        id="no sweep for nine days: only the newest reminder goes out",
    ),
    pytest.param(
        [
            (K.REVIEW_DUE_SOON, 1),
            (K.REVIEW_DUE_TODAY, 1),
            (K.REVIEW_OVERDUE, 1),
            (K.REVIEW_OVERDUE, 2),
            (K.REVIEW_OVERDUE, 3),
        ],
        at(12),
        [(K.ESCALATION, 1)],
        [],
        id="after three overdue reminders: escalation",
    ),
    pytest.param(
        [(K.REVIEW_DUE_SOON, 1), (K.REVIEW_DUE_TODAY, 1), (K.REVIEW_OVERDUE, 1)],
        at(14),
        [(K.REVIEW_OVERDUE, 3), (K.ESCALATION, 1)],
        [(K.REVIEW_OVERDUE, 2)],
        id="late sweep owes both the last reminder and the escalation",
    ),
    pytest.param(
        [
            (K.REVIEW_DUE_SOON, 1),
            (K.REVIEW_DUE_TODAY, 1),
            (K.REVIEW_OVERDUE, 1),
            (K.REVIEW_OVERDUE, 2),
            (K.REVIEW_OVERDUE, 3),
            (K.ESCALATION, 1),
        ],
        at(40),
        [],
        [],
        id="nothing more after escalation",
    ),
]


@pytest.mark.parametrize(("claimed", "now", "sent", "superseded"), CASES)
def test_reminders_owed_at_a_moment(claimed, now, sent, superseded):
    slots = review_slots(review_due=DUE, policy=POLICY)
    claimed_keys = frozenset(f"reminder:1:{kind}:{seq}" for kind, seq in claimed)
    send, supersede = owed(slots, now=now, claimed_keys=claimed_keys, assignment_id=1)
    assert names(send) == sent
    assert names(supersede) == superseded


def test_claiming_what_was_owed_leaves_nothing_owed_at_the_same_moment():
    slots = review_slots(review_due=DUE, policy=POLICY)
    send, supersede = owed(slots, now=at(7), assignment_id=1)
    claimed = claim(send + supersede)
    assert owed(slots, now=at(7), claimed_keys=claimed, assignment_id=1) == ([], [])
    assert next_due(slots, claimed_keys=claimed, assignment_id=1) == start_of_day(DUE) + (
        datetime.timedelta(days=9)
    )


def test_an_unanswered_invitation_is_reminded_then_escalated():
    response_due = datetime.date(2026, 3, 10)
    slots = invitation_slots(response_due=response_due, policy=POLICY)
    assert names(slots) == [
        (K.INVITATION_DUE_SOON, 1),
        (K.INVITATION_OVERDUE, 1),
        (K.INVITATION_OVERDUE, 2),
        (K.INVITATION_OVERDUE, 3),
        (K.ESCALATION, 1),
    ]
    just_after = start_of_day(response_due) + datetime.timedelta(days=3, hours=1)
    send, _ = owed(slots, now=just_after)
    assert names(send) == [(K.INVITATION_OVERDUE, 1)]


def test_slots_before_the_invitation_are_never_owed():
    invited = start_of_day(DUE) - datetime.timedelta(days=1)  # invited after "due soon" passed
    slots = review_slots(review_due=DUE, policy=POLICY)
    send, supersede = owed(slots, now=invited + datetime.timedelta(hours=1), not_before=invited)
    assert send == [] and supersede == []


def test_a_policy_without_early_or_due_day_reminders():
    policy = EditorialPolicy(
        reminder_days_before_due=0,
        remind_on_due_day=False,
        overdue_reminder_interval_days=1,
        overdue_reminder_max=1,
    )
    slots = review_slots(review_due=DUE, policy=policy)
    assert names(slots) == [(K.REVIEW_OVERDUE, 1), (K.ESCALATION, 1)]
    assert slots[0].due_at == start_of_day(DUE) + datetime.timedelta(days=1)
    assert timezone.is_aware(slots[0].due_at)
