"""An article's review dossier: its whole review history in one file, for an archive or
an inspection. ``article_dossier`` gathers it as plain data (the JSON download is that
data); ``dossier_pdf`` prints it with WeasyPrint, offline (fonts from the system, every
URL refused).

Each revision's content hash is recomputed from its content, and each audit entry's hash
from its fields and its link to the entry before it (which may be another article's), so
the dossier says whether what it shows is what was recorded. Parts for the chair alone
(``confidential``) are only in the chair's copy."""

import hashlib
import json

from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Article, Revision
from editorial.actions import COMMENTS_TO_AUTHORS, AuditAction
from editorial.models import (
    GENESIS_HASH,
    AuditEntry,
    Decision,
    SignedReviewRecord,
    Submission,
)
from editorial.signing.records import as_document
from editorial.signing.verification import verify_document

DOSSIER_VERSION = 1
OVERRIDE_ACTIONS = (AuditAction.SUBMISSION_OVERRIDE_APPROVE, AuditAction.SUBMISSION_OVERRIDE_REJECT)


def _when(value):
    return timezone.localtime(value).isoformat() if value else None


def _person(user):
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _revisions(article):
    revisions = []
    for revision in Revision.objects.filter(article=article).order_by("number"):
        recomputed = revision.compute_content_hash() if revision.content_hash else None
        revisions.append(
            {
                "number": revision.number,
                "title": revision.title,
                "created_at": _when(revision.created_at),
                "locked_at": _when(revision.locked_at),
                "content_hash": revision.content_hash,
                "content_hash_verified": (
                    None if recomputed is None else recomputed == revision.content_hash
                ),
            }
        )
    return revisions


def _submissions(article):
    submissions = (
        Submission.objects.filter(article=article)
        .select_related("revision", "submitted_by")
        .prefetch_related("assignments__reviewer", "assignments__decision")
        .order_by("submitted_at", "pk")
    )
    rows, comments = [], []
    for submission in submissions:
        assignments = []
        for assignment in sorted(submission.assignments.all(), key=lambda a: a.pk):
            decision = getattr(assignment, "decision", None)
            assignments.append(
                {
                    "reviewer": assignment.reviewer.display_name,
                    "state": assignment.state,
                    "invited_at": _when(assignment.invited_at),
                    "responded_at": _when(assignment.responded_at),
                    "completed_at": _when(assignment.completed_at),
                    "closed_at": _when(assignment.closed_at),
                    "close_reason": assignment.close_reason,
                    "decision": None
                    if decision is None
                    else {
                        "outcome": decision.outcome,
                        "revision": submission.revision.number,
                        "created_at": _when(decision.created_at),
                        "comment_to_authors": decision.comment,
                        "references_checked": list(decision.checked_references or []),
                    },
                }
            )
            if decision is not None and decision.comment:
                comments.append(
                    {
                        "from": assignment.reviewer.display_name,
                        "revision": submission.revision.number,
                        "at": _when(decision.created_at),
                        "comment": decision.comment,
                    }
                )
        rows.append(
            {
                "id": submission.pk,
                "kind": submission.kind,
                "state": submission.state,
                "revision": submission.revision.number,
                "content_hash": submission.content_hash,
                "submitted_by": _person(submission.submitted_by),
                "submitted_at": _when(submission.submitted_at),
                "decided_at": _when(submission.decided_at),
                "author_note": submission.author_note,
                "assignments": assignments,
            }
        )
    return rows, comments


def _signed_records(article):
    """Each approval's signed review record (the e-signature of the board's decision), as
    served at the article's review-record URL, with the outcome of verifying it against
    the published keys and the newest checkpoint."""
    rows = []
    for signed in SignedReviewRecord.objects.filter(article=article).order_by("signed_at", "pk"):
        document = as_document(signed)
        checks = verify_document(document)
        rows.append(
            {
                "revision": signed.revision_number,
                "signed_at": _when(signed.signed_at),
                "key_id": signed.key_id,
                "signature": signed.signature,
                "approval_sequence": signed.approval_sequence,
                "approval_hash": signed.approval_hash,
                "record": document["record"],
                "verification": [
                    {"check": c.name, "outcome": c.outcome, "detail": c.detail} for c in checks
                ],
                "verified": not any(c.failed for c in checks),
            }
        )
    return rows


def _audit(article):
    """The article's audit entries, oldest first, each checked against its own hash and
    its predecessor's; two queries."""
    entries = list(AuditEntry.objects.filter(article=article).order_by("sequence"))
    before = {entry.sequence - 1 for entry in entries}
    predecessors = dict(
        AuditEntry.objects.filter(sequence__in=before).values_list("sequence", "hash")
    )
    rows, first_problem = [], None
    for entry in entries:
        expected_prev = predecessors.get(entry.sequence - 1)
        if entry.sequence == 1:
            expected_prev = GENESIS_HASH
        problem = None
        if entry.compute_hash() != entry.hash:
            problem = "content does not match its hash"
        elif expected_prev is None:
            problem = "the entry before it is missing"
        elif expected_prev != entry.prev_hash:
            problem = "previous-hash link does not match"
        if problem and first_problem is None:
            first_problem = {"sequence": entry.sequence, "problem": problem}
        rows.append(
            {
                "sequence": entry.sequence,
                "created_at": entry.created_at.isoformat(),
                "actor": entry.actor_label,
                "action": entry.action,
                "action_label": entry.get_action_display(),
                "from_state": entry.from_state,
                "to_state": entry.to_state,
                "comment": entry.comment,
                "hash": entry.hash,
                "prev_hash": entry.prev_hash,
                "hashed_fields": entry.hashed_fields(),
                "verified": problem is None,
            }
        )
    verification = {
        "entries_checked": len(rows),
        "intact": first_problem is None,
        "first_problem": first_problem,
        "method": "Each entry's SHA-256 over its canonical fields (sorted-key JSON), and its "
        "prev_hash against the hash of the entry with the sequence before it.",
    }
    return rows, verification


def article_dossier(article, *, for_chair):
    """Everything on record about ``article``'s review, as JSON-ready data."""
    article = Article.objects.select_related("topic", "published_revision").get(pk=article.pk)
    submissions, decision_comments = _submissions(article)
    audit, verification = _audit(article)
    comments_to_authors = decision_comments + [
        {"from": row["actor"], "at": row["created_at"], "comment": row["comment"]}
        for row in audit
        if row["action"] in COMMENTS_TO_AUTHORS and row["comment"]
    ]
    overrides = [
        {
            "by": row["actor"],
            "at": row["created_at"],
            "action": row["action_label"],
            "reason": row["comment"],
        }
        for row in audit
        if row["action"] in OVERRIDE_ACTIONS
    ]
    has_reviews = any(s["assignments"] for s in submissions)
    dossier = {
        "dossier_version": DOSSIER_VERSION,
        "generated_at": _when(timezone.now()),
        "copy": "chair" if for_chair else "board",
        "article": {
            "id": article.pk,
            "slug": article.slug,
            "topic": article.topic.name,
            "title": article.published_revision.title if article.published_revision else "",
            "authors": [_person(user) for user in article.authors.order_by("pk")],
            "review_status": article.review_status,
            "last_reviewed_at": _when(article.last_reviewed_at),
            "next_review_due": article.next_review_due.isoformat()
            if article.next_review_due
            else None,
            "reviewed_by": article.reviewed_by,
        },
        "has_reviews": has_reviews,
        "revisions": _revisions(article),
        "submissions": submissions,
        "comments_to_authors": comments_to_authors,
        "overrides": overrides,
        "signed_review_records": _signed_records(article),
        "audit": audit,
        "audit_verification": verification,
    }
    if not dossier["article"]["title"]:
        latest = dossier["revisions"][-1] if dossier["revisions"] else None
        dossier["article"]["title"] = latest["title"] if latest else article.slug
    if for_chair:
        # Confidential comments to the chair are gathered here and nowhere else.
        dossier["confidential"] = {"comments_to_chair": _comments_to_chair(article)}
    return dossier


def _comments_to_chair(article):
    decisions = (
        Decision.objects.filter(submission__article=article)
        .exclude(confidential_comment="")
        .select_related("assignment__reviewer", "revision")
        .order_by("created_at", "pk")
    )
    return [
        {
            "from": decision.assignment.reviewer.display_name,
            "revision": decision.revision.number,
            "at": _when(decision.created_at),
            "comment": decision.confidential_comment,
        }
        for decision in decisions
    ]


def dossier_json(dossier):
    return json.dumps(dossier, ensure_ascii=False, indent=2, sort_keys=False)


def verify_dossier_json(data):
    """Check a dossier read back from JSON: every audit entry's hash recomputed from its
    ``hashed_fields``, and the links between consecutive entries. Returns the sequences
    that fail (empty: it verifies)."""
    failing = []
    previous = None
    for row in data["audit"]:
        canonical = json.dumps(
            row["hashed_fields"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        ok = hashlib.sha256(canonical.encode("utf-8")).hexdigest() == row["hash"]
        ok = ok and row["hashed_fields"]["prev_hash"] == row["prev_hash"]
        if previous is not None and previous["sequence"] + 1 == row["sequence"]:
            ok = ok and previous["hash"] == row["prev_hash"]
        if not ok:
            failing.append(row["sequence"])
        previous = row
    return failing


def _refuse_urls(url, *args, **kwargs):
    raise ValueError(f"The dossier loads nothing from the network or disk: {url}")


def dossier_pdf(dossier):
    """The dossier printed as PDF bytes."""
    from weasyprint import HTML  # Pango and fonts load on first use, not at start-up

    html = render_to_string("editorial/dossier.html", {"dossier": dossier})
    return HTML(string=html, url_fetcher=_refuse_urls).write_pdf()
