"""Who a chair is offered as reviewers of a submission, ranked and with the reason in
words; and who is left out, and why. Used by the board view (``editorial.selectors``) and
the demo loader. Every function runs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from editorial.eligibility import why_ineligible
from editorial.insights.aggregates import Percentiles, days, elapsed
from editorial.models import ASSIGNMENT_OPEN_STATES, Assignment, AssignmentState, Submission
from editorial.roles import chairing
from reviewers.models import BoardMember, ConflictOfInterest


@dataclass
class Suggestion:
    member: BoardMember
    eligible: bool
    reason: str
    specialty_match: bool = False
    load: int = 0
    spare: int = 0  # open reviews the member can still take
    turnaround: float | None = None  # median days from acceptance to decision


def board_members():
    """Every board member with the ids of their specialties (``specialty_ids``) and their
    count of open assignments, in two queries. Plain ids rather than topic objects (and no
    user row: ``user_id`` is all the ranking reads): the board view ranks every member for
    each card, and building those objects was a third of its time."""
    members = list(
        BoardMember.objects.annotate(**_member_figures(), chairing=chairing()).order_by(
            "display_name"
        )
    )
    specialties = defaultdict(set)
    for member_id, topic_id in BoardMember.specialties.through.objects.values_list(
        "boardmember_id", "topic_id"
    ):
        specialties[member_id].add(topic_id)
    for member in members:
        member.specialty_ids = frozenset(specialties[member.pk])
    return members


# A member's turnaround is the median of their most recent reviews: what the chair can
# expect now, and a read of this many rows per member from ``assignment_recent_review_idx``
# (the median of every review a member ever did sorted ~800 rows each: 30 ms of the board
# view at 150,000 assignments).
RECENT_REVIEWS = 20


def _member_figures():
    """``open_load`` and ``median_review`` of each member, as subqueries on the member's
    own assignments, read from indexes alone: joining every assignment and grouping took
    over a second at 150,000 assignments, and counting the ids (``Count("pk")``) instead
    of rows read each open assignment from the table."""
    mine = Assignment.objects.filter(reviewer=OuterRef("pk")).order_by().values("reviewer")
    recent = (
        Assignment.objects.filter(
            reviewer=OuterRef(OuterRef("pk")), state=AssignmentState.COMPLETED
        )
        .order_by("-completed_at")
        .values("pk")[:RECENT_REVIEWS]
    )
    return {
        "open_load": Coalesce(
            Subquery(
                mine.filter(state__in=ASSIGNMENT_OPEN_STATES).annotate(n=Count("*")).values("n")
            ),
            0,
        ),
        "median_review": Subquery(
            Assignment.objects.filter(pk__in=Subquery(recent))
            .order_by()
            .values("reviewer")
            .annotate(m=Percentiles(elapsed("completed_at", "responded_at"), (0.5,)))
            .values("m")
        ),
    }


def _specialty_ids(member):
    """The ids of a member's topics. The board view ranks every member for each of up to
    100 submissions: reading ``member.specialties.all()`` each time built 10,000 related
    managers (half the page's time at 50,000 articles)."""
    ids = getattr(member, "specialty_ids", None)
    return ids if ids is not None else frozenset(t.pk for t in member.specialties.all())


def active_conflicts_by_member():
    conflicts = defaultdict(list)
    for conflict in ConflictOfInterest.objects.active().select_related(
        "topic", "author", "article"
    ):
        conflicts[conflict.member_id].append(conflict)
    return conflicts


def _covers(conflict, article, author_ids):
    return (
        conflict.topic_id == article.topic_id
        or conflict.article_id == article.pk
        or conflict.author_id in author_ids
    )


def _chair_exclusion(member):
    return (
        f"{member.display_name} chairs the board: the chair assigns and decides, so is not "
        "suggested as a reviewer."
    )


def _turnaround_words(turnaround):
    if turnaround is None:
        return "no completed reviews yet"
    return f"median review {turnaround:g} day{'s' if turnaround != 1 else ''}"


def rank_reviewers(*, submission, members, conflicts_by_member, open_assignments):
    """Split ``members`` into ranked suggestions and exclusions, each with the reason in
    words. Ranked by specialty match, then spare capacity (most first), then median
    turnaround (fastest first; none yet comes last), then name. Excluded: the article's
    authors, the chair, and whoever ``why_ineligible`` bars. ``members`` come from
    ``board_members`` (annotated); ``open_assignments`` are the submission's open
    assignments; ``submission.article.authors`` must be loaded."""
    article = submission.article
    author_ids = {author.pk for author in article.authors.all()}
    assigned = {assignment.reviewer_id for assignment in open_assignments}
    suggestions, excluded = [], []
    for member in members:
        covering = [
            c for c in conflicts_by_member.get(member.pk, []) if _covers(c, article, author_ids)
        ]
        error = why_ineligible(
            member=member,
            author_ids=author_ids,
            conflicts=covering,
            open_count=member.open_load,
            already_assigned=member.pk in assigned,
        )
        reason = error.message if error is not None else None
        if reason is None and member.chairing:
            reason = _chair_exclusion(member)
        if reason is not None:
            excluded.append(Suggestion(member=member, eligible=False, reason=reason))
            continue
        match = article.topic_id in _specialty_ids(member)
        spare = member.max_open_assignments - member.open_load
        turnaround = days((getattr(member, "median_review", None) or [None])[0])
        load = f"{member.open_load} of {member.max_open_assignments} open reviews"
        fit = f"Specialty: {article.topic.name}" if match else "No specialty match"
        suggestions.append(
            Suggestion(
                member=member,
                eligible=True,
                reason=f"{fit} · {load} · {_turnaround_words(turnaround)}",
                specialty_match=match,
                load=member.open_load,
                spare=spare,
                turnaround=turnaround,
            )
        )
    suggestions.sort(
        key=lambda s: (
            not s.specialty_match,
            -s.spare,
            s.turnaround is None,
            s.turnaround or 0,
            s.member.display_name,
        )
    )
    return suggestions, excluded


def reviewer_suggestions(submission):
    """Ranked suggestions and exclusions for one submission (see ``rank_reviewers``)."""
    submission = (
        Submission.objects.select_related("article__topic")
        .prefetch_related("article__authors")
        .get(pk=submission.pk)
    )
    return rank_reviewers(
        submission=submission,
        members=board_members(),
        conflicts_by_member=active_conflicts_by_member(),
        open_assignments=list(submission.assignments.open()),
    )
