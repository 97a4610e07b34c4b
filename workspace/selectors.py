"""Reads for the author workspace: an author's articles with the state of their newest
submission, and what reviewers said. The workspace's views call these."""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Subquery

from articles.models import Article, Reference, Revision
from editorial.actions import COMMENTS_TO_AUTHORS
from editorial.models import OPEN_STATES, REVIEWABLE_STATES, AuditEntry, Submission, SubmissionState

# Audit actions whose comment is addressed to the authors, with the label the workspace
# shows beside it. An override is labelled as one: the page never says more than happened.
FEEDBACK_ACTIONS = {action: action.label for action in COMMENTS_TO_AUTHORS}


@dataclass(frozen=True)
class WorkspaceStatus:
    """What the author's badge says and whose move it is."""

    key: str
    label: str
    waits_on: str

    @property
    def is_in_review(self):
        return self.key in REVIEWABLE_STATES


_STATUS = {
    SubmissionState.SUBMITTED: ("Submitted", "The board chair, to start the review."),
    SubmissionState.RESUBMITTED: ("Submitted", "The board chair, to start the review."),
    SubmissionState.UNDER_REVIEW: ("Under review", "The reviewers."),
    SubmissionState.CHANGES_REQUESTED: ("Changes requested", "You: revise and resubmit."),
    SubmissionState.APPROVED: ("Approved", "Nobody: it is published."),
    SubmissionState.REJECTED: ("Rejected", "Nobody. Edit it to start a new draft."),
    SubmissionState.WITHDRAWN: ("Withdrawn", "You. Edit it to start a new draft."),
}


def workspace_status(*, submission_state, draft_open, published=False):
    """The badge for an article whose newest submission is in ``submission_state`` (or
    ``None``) and whose newest revision is unlocked (``draft_open``)."""
    if submission_state is None or (draft_open and submission_state not in OPEN_STATES):
        waits_on = (
            "You: submit the update; the approved version stays live meanwhile."
            if published
            else "You: finish the draft and submit it."
        )
        return WorkspaceStatus(SubmissionState.DRAFT, "Draft", waits_on)
    label, waits_on = _STATUS[submission_state]
    key = SubmissionState.SUBMITTED if submission_state == "resubmitted" else submission_state
    return WorkspaceStatus(key, label, waits_on)


def _newest_submissions():
    return Submission.objects.filter(article=OuterRef("pk")).order_by("-submitted_at", "-pk")


def _newest_revisions():
    return Revision.objects.filter(article=OuterRef("pk")).order_by("-number")


def author_articles(user):
    """Every article ``user`` wrote or co-wrote, newest first, annotated with its newest
    revision (``newest_title``, ``newest_number``, ``newest_locked_at``) and newest
    submission (``submission_state``, ``submission_submitted_at``,
    ``submission_decided_at``); co-authors prefetched. Two queries, whatever the count."""
    submissions, revisions = _newest_submissions(), _newest_revisions()
    return (
        Article.objects.filter(authors=user)
        .select_related("topic")
        .prefetch_related("authors")
        .annotate(
            newest_title=Subquery(revisions.values("title")[:1]),
            newest_number=Subquery(revisions.values("number")[:1]),
            newest_locked_at=Subquery(revisions.values("locked_at")[:1]),
            newest_created_at=Subquery(revisions.values("created_at")[:1]),
            submission_state=Subquery(submissions.values("state")[:1]),
            submission_submitted_at=Subquery(submissions.values("submitted_at")[:1]),
            submission_decided_at=Subquery(submissions.values("decided_at")[:1]),
        )
        .order_by(F("newest_created_at").desc(nulls_last=True), "-pk")
    )


def status_of_listed(article):
    """The badge for an article from ``author_articles``."""
    return workspace_status(
        submission_state=article.submission_state,
        draft_open=article.newest_locked_at is None,
        published=article.published_revision_id is not None,
    )


def author_article(user, pk):
    """The article ``pk`` if ``user`` is one of its authors, else ``None`` (the views
    answer 404: other people's work does not exist for an author)."""
    return (
        Article.objects.filter(pk=pk, authors=user)
        .select_related("topic", "published_revision")
        .prefetch_related("authors")
        .first()
    )


def newest_revision(article):
    """The article's newest revision with its references (in position order), or None."""
    return (
        article.revisions.prefetch_related(
            Prefetch("references", queryset=Reference.objects.order_by("position"))
        )
        .order_by("-number")
        .first()
    )


def article_submissions(article):
    """The article's submissions, newest first, with their revisions."""
    return list(
        Submission.objects.filter(article=article)
        .select_related("revision", "submitted_by")
        .order_by("-submitted_at", "-pk")
    )


def article_status(article, *, revision, submissions):
    newest = submissions[0] if submissions else None
    return workspace_status(
        submission_state=newest.state if newest else None,
        draft_open=revision is not None and not revision.is_locked,
        published=article.published_revision_id is not None,
    )


@dataclass(frozen=True)
class Feedback:
    who: str
    when: object
    action: str
    comment: str


def reviewer_feedback(submission):
    """What the board wrote to the authors about ``submission``, oldest first: the
    comments recorded with the ``FEEDBACK_ACTIONS`` (request changes, reject, and the
    chair's override rejection)."""
    if submission is None:
        return []
    entries = AuditEntry.objects.filter(
        target_type=Submission._meta.label_lower,
        target_id=submission.pk,
        action__in=list(FEEDBACK_ACTIONS),
    ).order_by("sequence")
    return [
        Feedback(
            who=entry.actor_label,
            when=entry.created_at,
            action=FEEDBACK_ACTIONS[entry.action],
            comment=entry.comment,
        )
        for entry in entries
    ]


def diff_base_revision(article, revision):
    """The revision reviewers last saw before ``revision``: the newest submitted revision
    with a lower number, with its references; ``None`` if there is none."""
    if revision is None:
        return None
    return (
        Revision.objects.filter(
            article=article, number__lt=revision.number, submissions__isnull=False
        )
        .prefetch_related(Prefetch("references", queryset=Reference.objects.order_by("position")))
        .order_by("-number")
        .distinct()
        .first()
    )
