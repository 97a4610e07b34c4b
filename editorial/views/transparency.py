"""The public proof of how a page was approved: the published keys, each approval's signed
review record, the audit log's signed checkpoints, and a page that verifies a record and
says the result in words. Readers' pages, not staff screens: no sign-in, GET only."""

import datetime

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles.models import Article
from editorial.models import AuditCheckpoint, DecisionOutcome
from editorial.signing import checkpoints, keys, records, verification
from editorial.signing.canonical import CANONICALIZATION, canonical_bytes

CHECKPOINTS_PER_PAGE = 50
OUTCOME_WORDS = {
    DecisionOutcome.APPROVE: "approved",
    DecisionOutcome.REQUEST_CHANGES: "requested changes",
    DecisionOutcome.REJECT: "recommended rejection",
}


def _canonical_response(document):
    response = HttpResponse(canonical_bytes(document), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"  # anyone may verify, from anywhere
    return response


@require_GET
def review_keys(request):
    return _canonical_response(
        {
            "canonicalization": CANONICALIZATION,
            "keys": keys.published_keys(),
            "signed": "review records (/articles/<slug>/review-record.json) and audit "
            "checkpoints (/audit/checkpoints.json)",
        }
    )


@require_GET
def audit_checkpoints(request):
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return JsonResponse({"error": "page must be a whole number"}, status=400)
    paginator = Paginator(AuditCheckpoint.objects.order_by("-number"), CHECKPOINTS_PER_PAGE)
    try:
        page = paginator.page(number)
    except EmptyPage:
        if number == 1:  # no checkpoint yet: an empty first page, not a 404
            page = None
        else:
            raise Http404("No such page of checkpoints.") from None
    base = reverse("audit_checkpoints")
    return _canonical_response(
        {
            "checkpoints": [checkpoints.as_json(row) for row in page] if page else [],
            "count": paginator.count,
            "page": number,
            "next": f"{base}?page={number + 1}" if page and page.has_next() else None,
            "previous": f"{base}?page={number - 1}" if page and page.has_previous() else None,
            "leaf_rule": checkpoints.LEAF_RULE,
        }
    )


def _signed_record(slug, revision):
    article = get_object_or_404(Article, slug=slug)
    signed = records.find(article=article, revision_number=revision)
    if signed is None:
        raise Http404("No signed review record for this article and revision.")
    return article, signed


@require_GET
def review_record(request, slug, revision=None):
    _, signed = _signed_record(slug, revision)
    return _canonical_response(records.as_document(signed))


@require_GET
def verify_review(request, slug, revision):
    article = get_object_or_404(Article, slug=slug)
    signed = records.find(article=article, revision_number=revision)
    if signed is None:
        approved = article.review_records.filter(revision__number=revision).first()
        if approved is None:
            raise Http404("No approval of this article and revision.")
        # Approved before records were signed: say so rather than show a bare 404.
        context = {"article": article, "approved": approved, "revision": revision}
        return render(request, "editorial/verify_review_unsigned.html", context, status=404)
    document = records.as_document(signed)
    known = article.revisions.filter(number=revision).only("content_hash").first()
    expect = {"slug": slug, "revision": revision}
    if known is not None:
        expect["content_hash"] = known.content_hash
    checks = verification.verify_document(document, expect=expect)
    record = document["record"]
    decisions = [
        {
            **decision,
            "when": datetime.datetime.fromisoformat(decision["decided_at"]),
            "outcome_label": OUTCOME_WORDS.get(decision["outcome"], decision["outcome"]),
        }
        for decision in record["decisions"]
    ]
    return render(
        request,
        "editorial/verify_review.html",
        {
            "article": article,
            "record": record,
            "document": document,
            "checks": checks,
            "decisions": decisions,
            "approved_at": datetime.datetime.fromisoformat(record["approved_at"]),
            "verified": not verification.failures(checks),
            "record_url": reverse(
                "review_record_revision", kwargs={"slug": slug, "revision": revision}
            ),
        },
    )
