"""A board member's own figures: the reviewer's view of their load and pace."""

import datetime

from django.utils import timezone

from editorial.insights.periods import Period
from editorial.insights.statistics import reviewer_rows
from editorial.models import Assignment

OWN_FIGURES_DAYS = 365


def reviewer_own_figures(member, *, today=None):
    """``member``'s open load against capacity, their response and review turnaround over
    the last year, and their open assignments due within the week (overdue ones too).
    Two queries."""
    today = today or timezone.localdate()
    period = Period.last_days(OWN_FIGURES_DAYS, today=today)
    rows = reviewer_rows(period, reviewer_ids=[member.pk])
    week_end = today + datetime.timedelta(days=7)
    due = list(
        Assignment.objects.open()
        .with_due()
        .filter(reviewer=member, due_on__lte=week_end)
        .select_related("submission__revision", "submission__article__topic")
        .order_by("due_on", "pk")
    )
    row = rows[0] if rows else None
    return {
        "member": member,
        "period": period,
        "open_load": row.open_load if row else 0,
        "capacity": member.max_open_assignments,
        "responses": row.responses if row else None,
        "decisions": row.decisions if row else None,
        "due_this_week": due,
        "week_end": week_end,
        "today": today,
    }
