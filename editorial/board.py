"""The chair's board view's reads: the figures over every open submission, the filters,
and one page of cards with their assignments, decisions and suggestions. Every function
here runs a fixed number of queries, whatever the number of open submissions."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, TextChoices
from django.db.models.functions import Coalesce
from django.utils import timezone

from editorial.models import (
    ASSIGNMENT_OPEN_STATES,
    REVIEWABLE_STATES,
    Assignment,
    AssignmentState,
    Decision,
    DecisionOutcome,
    EditorialPolicy,
    Submission,
    SubmissionState,
)
from editorial.suggestions import active_conflicts_by_member, board_members, rank_reviewers

BOARD_PAGE_SIZE = 20
SUGGESTIONS_PER_CARD = 5


class BoardFilter(TextChoices):
    """What the board view shows: every open submission, or those that wait for the chair
    in one way. The value is the ``show`` parameter of the board's URL."""

    ALL = "all", "All open"
    NEEDS_REVIEWERS = "needs-reviewers", "Need reviewers"
    OVERDUE = "overdue", "With overdue reviews"
    AWAITING_CHAIR = "awaiting-chair", "Rejections to confirm"


@dataclass
class BoardCounts:
    """The figures at the top of the board view, over every open submission."""

    open: int = 0
    needs_reviewers: int = 0
    awaiting_chair: int = 0  # submissions with a reviewer's rejection to confirm
    open_reviews: int = 0
    overdue: int = 0  # overdue reviews (invited or accepted assignments past due)
    escalated: int = 0
    accepted: int = 0

    def of(self, show):
        """How many submissions the filter ``show`` lists; ``None`` for those with overdue
        reviews, counted only when that filter is shown (the figure at the top counts the
        overdue reviews, from an index, and counting their submissions reads each one)."""
        return {
            BoardFilter.ALL: self.open,
            BoardFilter.NEEDS_REVIEWERS: self.needs_reviewers,
            BoardFilter.OVERDUE: None,
            BoardFilter.AWAITING_CHAIR: self.awaiting_chair,
        }[show]


@dataclass
class BoardItem:
    """One submission on the chair's board view. ``suggestions`` are the best few ranked
    candidates (``eligible_count`` in all); ``excluded`` those left out, with the reason."""

    submission: Submission
    open_assignments: list = field(default_factory=list)
    # Every assignment but the withdrawn: invited, accepted, declined and completed ones.
    assignments: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    approvals: int = 0
    needed: int = 0
    ranked: bool = False  # whether the board was ranked for this card (see _suggest)
    suggestions: list = field(default_factory=list)
    eligible_count: int = 0
    excluded: list = field(default_factory=list)

    @property
    def pending_rejections(self):
        return [d for d in self.decisions if d.outcome == DecisionOutcome.REJECT]


def _open_assignments_of_submission():
    return Assignment.objects.filter(submission=OuterRef("pk"), state__in=ASSIGNMENT_OPEN_STATES)


def _overdue(today):
    return Q(state=AssignmentState.INVITED, response_due__lt=today) | Q(
        state=AssignmentState.ACCEPTED, review_due__lt=today
    )


def _count(queryset):
    counted = queryset.order_by().values("submission").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def board_submissions(show, *, quorum, today):
    """The open submissions that the filter ``show`` selects, in SQL. A filter's
    condition is evaluated row by row as the page is read in date order, so a page stops
    reading once it has its cards."""
    submissions = Submission.objects.filter(state__in=REVIEWABLE_STATES)
    if show == BoardFilter.NEEDS_REVIEWERS:
        approvals = Decision.objects.filter(
            submission=OuterRef("pk"), outcome=DecisionOutcome.APPROVE
        )
        return submissions.alias(
            covered=_count(_open_assignments_of_submission()) + _count(approvals)
        ).filter(covered__lt=quorum)
    if show == BoardFilter.OVERDUE:
        return submissions.filter(Exists(_open_assignments_of_submission().filter(_overdue(today))))
    if show == BoardFilter.AWAITING_CHAIR:
        return submissions.filter(
            Exists(
                Decision.objects.filter(submission=OuterRef("pk"), outcome=DecisionOutcome.REJECT)
            )
        )
    return submissions


# The board's figures in one statement, each from an index where one serves. An open
# assignment always belongs to an open submission: a submission that leaves review has its
# open assignments closed in the same transaction (services._core.record_step), so the
# review figures read the assignments' partial indexes without joining the submissions.
# "Needs reviewers" is ``board_submissions``' condition, counted over every open
# submission: its approvals are read only where the open reviews fall short of the quorum.
# The open submissions' ids come from ``submission_reviewable_idx`` and the escalated open
# reviews from ``assignment_escalated_open_idx``, without reading the tables (57 -> 37 ms
# at 50,000 articles and 150,000 assignments). The same partial index, in date order,
# gives ``board_overview``'s pages.
_BOARD_COUNTS_SQL = """
SELECT
    (SELECT COUNT(*) FROM {submission} WHERE state IN (%(submitted)s, %(under_review)s)),
    (SELECT COUNT(*) FROM {submission} s
        LEFT JOIN (SELECT submission_id, COUNT(*) AS n FROM {assignment}
                   WHERE state IN (%(invited)s, %(accepted)s) GROUP BY submission_id) r
            ON r.submission_id = s.id
        WHERE s.state IN (%(submitted)s, %(under_review)s) AND COALESCE(r.n, 0) < %(quorum)s
            AND COALESCE(r.n, 0) + (SELECT COUNT(*) FROM {decision} d
                WHERE d.submission_id = s.id AND d.outcome = %(approve)s) < %(quorum)s),
    (SELECT COUNT(DISTINCT d.submission_id) FROM {decision} d
        JOIN {submission} s ON s.id = d.submission_id
            AND s.state IN (%(submitted)s, %(under_review)s)
        WHERE d.outcome = %(reject)s),
    (SELECT COUNT(*) FROM {assignment} WHERE state = %(invited)s),
    (SELECT COUNT(*) FROM {assignment} WHERE state = %(accepted)s),
    (SELECT COUNT(*) FROM {assignment} WHERE state = %(invited)s AND response_due < %(today)s),
    (SELECT COUNT(*) FROM {assignment} WHERE state = %(accepted)s AND review_due < %(today)s),
    (SELECT COUNT(*) FROM {assignment}
        WHERE escalated_at IS NOT NULL AND state IN (%(invited)s, %(accepted)s))
"""


def board_counts_statement(*, quorum, today):
    """The SQL and parameters of ``board_counts``."""
    sql = _BOARD_COUNTS_SQL.format(
        submission=Submission._meta.db_table,
        assignment=Assignment._meta.db_table,
        decision=Decision._meta.db_table,
    )
    params = {
        "submitted": SubmissionState.SUBMITTED.value,
        "under_review": SubmissionState.UNDER_REVIEW.value,
        "invited": AssignmentState.INVITED.value,
        "accepted": AssignmentState.ACCEPTED.value,
        "approve": DecisionOutcome.APPROVE.value,
        "reject": DecisionOutcome.REJECT.value,
        "quorum": quorum,
        "today": today,
    }
    return sql, params


def board_counts(*, quorum, today):
    """The board's figures over every open submission, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(*board_counts_statement(quorum=quorum, today=today))
        opened, needs, awaiting, invited, accepted, *late, escalated = cursor.fetchone()
    return BoardCounts(
        open=opened,
        needs_reviewers=needs,
        awaiting_chair=awaiting,
        open_reviews=invited + accepted,
        overdue=sum(late),
        escalated=escalated,
        accepted=accepted,
    )


def _board_item(submission, *, quorum):
    approvals = sum(1 for d in submission.all_decisions if d.outcome == DecisionOutcome.APPROVE)
    decision_of = {d.assignment_id: d for d in submission.all_decisions}
    for assignment in submission.board_assignments:
        assignment.board_decision = decision = decision_of.get(assignment.pk)
        # The decision's signature, or None (reading a missing one raises).
        assignment.board_signature = getattr(decision, "signature", None) if decision else None
    submission.open_assignments = [
        a for a in submission.board_assignments if a.state in ASSIGNMENT_OPEN_STATES
    ]
    return BoardItem(
        submission=submission,
        open_assignments=submission.open_assignments,
        assignments=submission.board_assignments,
        decisions=submission.all_decisions,
        approvals=approvals,
        needed=max(0, quorum - approvals - len(submission.open_assignments)),
    )


def board_overview(*, show=BoardFilter.ALL, page=None, per_page=BOARD_PAGE_SIZE):
    """The chair's board view: the figures over every open submission, and one page
    (``page``: a number, or anything else for the first) of the open submissions that
    ``show`` selects, oldest first, with their assignments, decisions, how many reviewers
    each still needs and, on the cards that need reviewers, the best few ranked
    suggestions and who is left out (the candidates page ranks for the others). A fixed
    number of queries, whatever the page size and the number of open submissions."""
    quorum = EditorialPolicy.load().quorum
    today = timezone.localdate()
    counts = board_counts(quorum=quorum, today=today)
    # Pages are chosen on the submissions' ids alone (a deep page sorts and skips ids,
    # not joined rows), then the page's rows are read with all their cards show.
    paginator = Paginator(
        board_submissions(show, quorum=quorum, today=today)
        .order_by("submitted_at", "pk")
        .values("pk"),
        per_page,
    )
    if counts.of(show) is not None:
        paginator.count = counts.of(show)  # counted with the other figures
    shown = paginator.get_page(page)
    shown.object_list = list(
        Submission.objects.filter(pk__in=shown.object_list)
        .select_related("article__topic", "revision", "submitted_by")
        .prefetch_related(
            "article__authors",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(state=AssignmentState.WITHDRAWN)
                .with_due()
                .select_related("reviewer")
                .order_by("invited_at", "pk"),
                to_attr="board_assignments",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related(
                    "assignment__reviewer", "signature__revision"
                ).order_by("created_at"),
                to_attr="all_decisions",
            ),
        )
        .order_by("submitted_at", "pk")
    )
    items = [_board_item(submission, quorum=quorum) for submission in shown.object_list]
    _suggest(item for item in items if item.needed)
    return {"quorum": quorum, "counts": counts, "show": show, "page": shown, "items": items}


def _suggest(items):
    """Rank the board for each of ``items``, the cards that need reviewers (three queries
    for all of them, none if there are none); keep the best
    ``SUGGESTIONS_PER_CARD``: the candidates page (``reviewer_suggestions``) lists all."""
    items = list(items)
    if not items:
        return
    members = board_members()
    conflicts = active_conflicts_by_member()
    for item in items:
        ranked, item.excluded = rank_reviewers(
            submission=item.submission,
            members=members,
            conflicts_by_member=conflicts,
            open_assignments=item.open_assignments,
        )
        item.ranked = True
        item.suggestions = ranked[:SUGGESTIONS_PER_CARD]
        item.eligible_count = len(ranked)
