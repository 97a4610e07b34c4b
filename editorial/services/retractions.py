"""After a Retraction Watch import: every approved article whose published revision cites
a newly retracted work goes back to the board, and readers are told why."""

import logging

from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone

from articles.models import Article, ReCheck, Reference
from articles.retractions import RetractedWork
from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import WorkflowError
from editorial.models import Submission
from editorial.notifications import compose
from editorial.services import _core
from editorial.services.submissions import _do_open_re_review

logger = logging.getLogger(__name__)

REASON = (
    "A study cited here was retracted on {date}: reference {positions} ({title}). "
    "Re-check the claims it supports."
)


def newly_retracted_citations():
    """``({article id: [(reference, work), …]}, last id)`` for the published revisions that
    cite a work not yet swept (unless cited as retracted), and the highest id this sweep
    covers. A constant number of queries however many rows the import brought."""
    last = RetractedWork.objects.filter(swept_at__isnull=True).aggregate(last=Max("pk"))["last"]
    if last is None:
        return {}, None
    unswept = RetractedWork.objects.filter(swept_at__isnull=True, pk__lte=last)
    references = (
        Reference.objects.filter(
            revision__in=Article.objects.published().values("published_revision")
        )
        .annotate(doi_key=Lower("doi"))
        .filter(
            Q(doi_key__in=unswept.exclude(original_doi="").values("original_doi"))
            | Q(pmid__in=unswept.exclude(original_pmid="").values("original_pmid"))
        )
        .select_related("revision")
    )
    references = list(references)
    works = {}
    if references:
        dois = {ref.doi.lower() for ref in references if ref.doi}
        pmids = {ref.pmid for ref in references if ref.pmid}
        for work in unswept.filter(Q(original_doi__in=dois) | Q(original_pmid__in=pmids)):
            works.setdefault(("doi", work.original_doi), work)
            works.setdefault(("pmid", work.original_pmid), work)
    found = {}
    for ref in references:
        work = works.get(("doi", ref.doi.lower())) or works.get(("pmid", ref.pmid))
        if work is not None and not ref.cited_as_retracted:
            found.setdefault(ref.revision.article_id, []).append((ref, work))
    return found, last


def retractions_open_re_reviews(*, now=None):
    """Send back to the board every approved article citing a work retracted since the last
    sweep (one transaction per article), then mark those works swept. Returns the number
    of articles sent back. Side effects per article: audit entry
    ``retraction.open_re_review``; the chairs are told (outbox)."""
    now = now or timezone.now()
    found, last = newly_retracted_citations()
    opened = 0
    for article_id, citations in found.items():
        try:
            with _core.atomic():
                _flag_article(article_id, citations)
        except WorkflowError as error:  # e.g. the article was withdrawn meanwhile
            logger.info("Retraction re-review of article %s not opened: %s", article_id, error)
            continue
        opened += 1
    if last is not None:
        RetractedWork.objects.filter(swept_at__isnull=True, pk__lte=last).update(swept_at=now)
    return opened


def _flag_article(article_id, citations):
    article = Article.objects.select_for_update().get(pk=article_id)
    retracted_on = min(
        (work.retraction_date for _, work in citations if work.retraction_date),
        default=timezone.localdate(),
    )
    ref, work = citations[0]
    reason = REASON.format(
        date=retracted_on.isoformat(),
        positions=", ".join(str(r.position) for r, _ in citations),
        title=work.title or ref.title,
    )
    data = {"retracted_works": [w.record_id for _, w in citations]}
    article.cited_retraction_on = retracted_on
    article.save(update_fields=["cited_retraction_on"])
    open_submission = Submission.objects.open().filter(article=article).first()
    if open_submission is None:
        _do_open_re_review(
            article=article,
            reason=reason,
            actor=None,
            cause=ReCheck.RETRACTION,
            action=AuditAction.RETRACTION_RE_REVIEW,
        )
        return
    # Already in review: the board has it; tell the chair why it must be re-checked.
    entry = audit_record(
        actor=None,
        action=AuditAction.RETRACTION_RE_REVIEW,
        target=open_submission,
        article=article,
        comment=reason,
        data=data,
    )
    compose.queue_chair_event(
        entry=entry,
        submission=open_submission,
        subject="A cited study was retracted: {title}",
        message=reason,
    )
