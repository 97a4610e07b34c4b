"""Reads that the reviewer's queue and the review screen need, with their joins and
prefetches applied (the chair's board view's: ``editorial.board``). Every function here
runs a fixed number of queries, whatever the number of rows."""

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)

from articles.diffs import compare_revisions, has_changes
from articles.models import Reference, Revision
from articles.presentation import reader_context
from articles.retractions import retracted_citations
from editorial.audit import describe
from editorial.models import (
    Assignment,
    AuditEntry,
    Decision,
    Notification,
    Signature,
    Submission,
    SubmissionState,
)
from editorial.quorum import quorum_progress
from editorial.roles import is_chair
from editorial.suggestions import reviewer_suggestions  # noqa: F401 - read from here
from reviewers.models import ConflictOfInterest

# --- Who sees what in the admin ---------------------------------------------------------


def assignments_visible_to(user):
    """The chair sees every assignment; a reviewer their own; anyone else none. Annotated
    with ``due_on``, ``is_overdue`` and ``is_mine`` (the viewer is the reviewer)."""
    queryset = (
        Assignment.objects.with_due()
        .annotate(
            is_mine=Case(
                When(reviewer__user_id=user.pk, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related(
            "reviewer", "submission__article__topic", "submission__revision", "decision"
        )
        .prefetch_related("submission__article__authors")
        .order_by("due_on", "pk")
    )
    if is_chair(user):
        return queryset
    return queryset.filter(reviewer__user_id=user.pk)


def submissions_visible_to(user):
    """The chair sees every submission; a reviewer those they have been assigned to."""
    queryset = Submission.objects.all()
    if is_chair(user):
        return queryset
    return queryset.filter(
        Exists(Assignment.objects.filter(submission=OuterRef("pk"), reviewer__user_id=user.pk))
    )


def articles_visible_to(user, queryset):
    if is_chair(user):
        return queryset
    return queryset.filter(
        Exists(
            Assignment.objects.filter(submission__article=OuterRef("pk"), reviewer__user_id=user.pk)
        )
    )


def revisions_visible_to(user, queryset):
    """A reviewer sees the revisions pinned by the submissions they were assigned to."""
    if is_chair(user):
        return queryset
    return queryset.filter(
        Exists(
            Assignment.objects.filter(
                submission__revision=OuterRef("pk"), reviewer__user_id=user.pk
            )
        )
    )


def article_audit_trail(article_id, *, limit=200):
    """An article's audit entries, newest first, each signed decision with its
    ``signature`` (one more query), and each in words (``described``: see
    ``audit.describe``)."""
    entries = list(
        AuditEntry.objects.filter(article_id=article_id)
        .select_related("actor__board_member")
        .order_by("-sequence")[:limit]
    )
    ids = {entry.data.get("signature") for entry in entries} - {None}
    signatures = Signature.objects.select_related("revision").in_bulk(ids) if ids else {}
    for entry in entries:
        entry.signature = signatures.get(entry.data.get("signature"))
        entry.described = describe(entry)
    return entries


NOTIFICATION_LIST_FIELDS = (
    "pk",
    "kind",
    "to_email",
    "subject",
    "created_at",
    "sent_at",
    "superseded",
    "attempts",
    "last_error",
)


def notifications_about(*, article=None, submission=None, assignment=None, limit=50):
    """The outbox rows about one article, submission or assignment, newest first, in one
    query. An assignment's are those linked to it (reminders, escalations) and, on its
    submission, the ones addressed to its reviewer that carry no assignment (the
    invitation)."""
    if assignment is not None:
        condition = Q(assignment_id=assignment.pk) | Q(
            assignment__isnull=True,
            submission_id=assignment.submission_id,
            recipient_id=assignment.reviewer.user_id,
        )
    elif submission is not None:
        condition = Q(submission_id=submission.pk)
    elif article is not None:
        condition = Q(article_id=article.pk)
    else:
        raise TypeError("notifications_about() needs an article, submission or assignment.")
    return (
        Notification.objects.filter(condition)
        .only(*NOTIFICATION_LIST_FIELDS)
        .order_by("-created_at", "-pk")[:limit]
    )


# --- The review screen ------------------------------------------------------------------


def last_approved_revision(article, *, before):
    """The newest approved revision of ``article`` up to the revision ``before`` (itself,
    when a scheduled re-review pins the published revision)."""
    return (
        Revision.objects.filter(
            article=article,
            number__lte=before.number,
            submissions__state=SubmissionState.APPROVED,
        )
        .order_by("-number")
        .prefetch_related(Prefetch("references", queryset=Reference.objects.order_by("position")))
        .first()
    )


def review_screen(assignment):
    """Everything the review screen shows for one assignment: the pinned revision as
    readers will see it, the diff against the last approved revision, the author's note
    and the decisions taken on earlier revisions of the article."""
    submission = assignment.submission
    article = submission.article
    revision = submission.revision
    references = list(revision.references.order_by("position"))
    previous = last_approved_revision(article, before=revision)
    diff = compare_revisions(previous, revision, new_references=references) if previous else []
    earlier_decisions = (
        Decision.objects.filter(submission__article=article)
        .exclude(submission=submission)
        .select_related("assignment__reviewer", "revision", "signature__revision")
        .order_by("-created_at")
    )
    reader = reader_context(article=article, revision=revision, references=references)
    retracted = retracted_citations(references)
    for item in reader["references"]:
        item["retraction"] = retracted.get(item["ref"].position)
    return {
        "assignment": assignment,
        "submission": submission,
        "authors": [user.get_full_name() or user.get_username() for user in article.authors.all()],
        "progress": quorum_progress(submission),
        "reader": reader,
        "previous_revision": previous,
        "diff": diff if has_changes(diff) else [],
        "earlier_decisions": list(earlier_decisions),
        "signatures": list(
            Signature.objects.filter(submission=submission).select_related("revision")
        ),
        "retracted_count": len(retracted),
        "conflicts": list(
            ConflictOfInterest.objects.covering(
                article=article, author_ids=article.authors.values_list("pk", flat=True)
            )
            .filter(member_id=assignment.reviewer_id)
            .select_related("topic", "author", "article")
        ),
    }
