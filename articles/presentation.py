"""What the reader template needs, built in one place so that the author's preview renders
exactly what readers will get.

``reader_context(article=..., revision=..., preview=True)`` works for any revision: the
published one, one in review, or a draft with no review record yet. The banner, tracker
and structured data follow what the *shown revision* is, never only the article: a draft
of an approved article is not "reviewed by" anyone.
"""

import functools
import json

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from articles import selectors, stored_html
from articles.models import NoticeKind, ReferenceKind, ReviewStatus
from articles.notices import notices_for
from articles.orcid import orcid_url
from articles.rendering import (  # noqa: F401 - plain_summary, safety_sections: re-exported
    cited_numbers,
    plain_summary,
    safety_sections,
    truncate,
)


class Audience(models.TextChoices):
    PROFESSIONAL = "professional", "Healthcare professional"
    PATIENT = "patient", "Patient or caregiver"


AUDIENCE_COOKIE = "audience"
AUDIENCES = frozenset(Audience.values)


def audience_from(value):
    return value if value in AUDIENCES else Audience.PROFESSIONAL


class PageState(models.TextChoices):
    APPROVED = "approved", "Approved"
    PENDING = "pending", "Pending review"
    DRAFT = "draft", "Draft"


TRACKER_STEPS = (
    (ReviewStatus.SUBMITTED, "Submitted"),
    (ReviewStatus.UNDER_REVIEW, "Under review"),
    (ReviewStatus.APPROVED, "Approved"),
)

SCHOLARLY_KINDS = {ReferenceKind.RESEARCH, ReferenceKind.SYSTEMATIC_REVIEW, ReferenceKind.REVIEW}


def reader_context(
    *,
    article,
    revision,
    references=None,
    preview=False,
    audience=Audience.PROFESSIONAL,
    related=None,
    history=None,
    notices=None,
):
    """Context for ``articles/detail.html``. ``references``, ``related``, ``history`` and
    ``notices`` may be passed when already loaded; otherwise one query each is made (none
    for the notices of an article that has none)."""
    if references is None:
        references = list(revision.references.order_by("position"))
    if related is None:
        related = selectors.related_questions(article)
    if history is None:
        history = selectors.review_history(article)
    if notices is None:
        notices = notices_for(article) if article.last_notice_at else []
    audience = audience_from(audience)
    state = _page_state(article, revision)
    count = len(references)

    # Stored once for a submitted revision, rendered live for a draft (preview).
    fields = stored_html.revision_fields(revision, reference_count=count)
    showing_patient = audience == Audience.PATIENT and bool(revision.patient_body.strip())
    # The plain-language version opens with its own summary and safety note; a revision
    # written before they existed falls back to the clinicians' summary and the safety
    # sections of their text.
    patient_summary = showing_patient and bool(revision.patient_summary.strip())
    patient_note = showing_patient and bool(revision.patient_safety_note.strip())
    # Reading order decides where each reference's back-link returns to.
    if patient_summary:
        reading_order = [("pcite", revision.patient_summary)]
    else:
        reading_order = [("cite", revision.summary)]
    if showing_patient:
        if patient_note:
            reading_order.append(("pcite", revision.patient_safety_note))
        reading_order += [("pcite", revision.patient_body), ("cite", revision.body)]
    else:
        reading_order.append(("cite", revision.body))
    if showing_patient:
        safety_html = fields["patient_safety_html"] if patient_note else fields["safety_html"]
    else:
        safety_html = ""

    reviewers = article.reviewed_by if state == PageState.APPROVED else []
    override = state == PageState.APPROVED and article.approved_by_override
    retraction = next((notice for notice in notices if notice.kind == NoticeKind.RETRACTION), None)
    last_updated = _last_updated(article, revision, history, state)
    canonical_url = settings.SITE_URL + article_path(article.slug)
    context = {
        "article": article,
        "revision": revision,
        "preview": preview,
        "state": state,
        # A retracted article stays reachable, marked, and out of search engines.
        "noindex": preview or state != PageState.APPROVED or retraction is not None,
        "update_under_review": state == PageState.APPROVED and article.update_under_review,
        "tracker": _tracker(article, state, override=override),
        "reviewers": reviewers,
        "override": override,
        "notices": notices,
        "retraction": retraction,
        "cited_retraction_on": article.cited_retraction_on if state == PageState.APPROVED else None,
        "literature_current_through": (
            article.literature_current_through if state == PageState.APPROVED else None
        ),
        "author_orcids": selectors.author_orcids(article),
        "last_updated": last_updated,
        "audience": audience,
        "audience_choices": Audience.choices,
        "patient_available": bool(revision.patient_body.strip()),
        "showing_patient": showing_patient,
        "summary_html": fields["patient_summary_html" if patient_summary else "summary_html"],
        "body_html": fields["body_html"],
        "patient_html": fields["patient_html"],
        "safety_html": safety_html,
        "references": _references(references, reading_order),
        "related": [{**row, "url": article_path(row["slug"])} for row in related],
        "history": _history(article, history),
        "canonical_url": canonical_url,
        "board_url": board_url(),  # reversed once, not once per reviewer named
        "meta_description": truncate(fields["summary_text"], 200),
        "summary_text": fields["summary_text"],
    }
    context["json_ld"] = json_ld_script(
        _json_ld(
            context,
            author_names=selectors.author_names(article),
            author_orcids=context["author_orcids"],
            references=references,
        )
    )
    return context


def _page_state(article, revision):
    if revision.pk is not None and revision.pk == article.published_revision_id:
        return PageState.APPROVED
    return PageState.PENDING if revision.is_locked else PageState.DRAFT


def _tracker(article, state, *, override=False):
    """The three public steps for the newest submission (changes requested counts as
    under review), each done, current or upcoming; nothing reached for a draft. The
    Approved step of a page the chair approved without the quorum says so."""
    reached = 0
    if state != PageState.DRAFT:
        order = [status for status, _ in TRACKER_STEPS]
        status = article.review_status
        reached = order.index(status) + 1 if status in order else 0
    steps = []
    for index, (status, label) in enumerate(TRACKER_STEPS, start=1):
        if index < reached:
            progress = "done"
        elif index == reached:
            progress = "current"
        else:
            progress = "upcoming"
        step_override = override and status == ReviewStatus.APPROVED and progress != "upcoming"
        if step_override:
            label = "Approved by chair override"
        steps.append(
            {"status": status, "label": label, "progress": progress, "override": step_override}
        )
    return {"steps": steps, "reached": reached}


def _last_updated(article, revision, history, state):
    """When the shown content was last changed: the first approval of the published
    revision (a re-review that changes nothing is not an update), else when the revision
    was submitted or written."""
    if state == PageState.APPROVED:
        approvals = [r.approved_at for r in history if r.revision_id == revision.pk]
        if approvals:
            return min(approvals)
        if article.last_reviewed_at:
            return article.last_reviewed_at
    return revision.locked_at or revision.created_at


def _references(references, reading_order):
    backlinks = {}
    for prefix, text in reading_order:
        for number in cited_numbers(text):
            backlinks.setdefault(number, f"{prefix}-{number}")
    return [
        {"ref": ref, "backlink": backlinks.get(ref.position, ""), "is_scholarly": _scholarly(ref)}
        for ref in references
    ]


def _scholarly(ref):
    return ref.kind in SCHOLARLY_KINDS


def _history(article, records):
    """Newest first; each approval links to what changed since the approval before it."""
    ordered = list(records)
    entries = []
    for index, record in enumerate(ordered):
        previous = ordered[index + 1] if index + 1 < len(ordered) else None
        changes_url = ""
        if previous is not None and previous.revision_id != record.revision_id:
            changes_url = reverse(
                "articles:changes",
                kwargs={
                    "slug": article.slug,
                    "old": previous.revision_number,
                    "new": record.revision_number,
                },
            )
        entries.append(
            {
                "record": record,
                "revision_number": record.revision_number,
                "reviewers": record.reviewers,
                "unchanged": previous is not None and previous.revision_id == record.revision_id,
                "first": previous is None,
                "changes_url": changes_url,
            }
        )
    return entries


@functools.cache
def _constant_path(name, script_prefix):
    return reverse(name)


def constant_path(name):
    """``reverse(name)`` for a URL without arguments, reversed once per script prefix."""
    return _constant_path(name, get_script_prefix())


def board_url(slug=""):
    """The board list's address (reversed once per script prefix: a page names it for each
    reviewer), with a reviewer's anchor."""
    return constant_path("reviewers:board") + (f"#{slug}" if slug else "")


@functools.cache
def _article_path_parts(script_prefix):
    head, _, tail = reverse("articles:detail", kwargs={"slug": "-"}).rpartition("-")
    return head, tail


def article_path(slug):
    """``reverse("articles:detail", kwargs={"slug": slug})`` for a stored article's slug
    (a SlugField: nothing in it needs quoting), without resolving the pattern each time:
    a page links up to five related questions."""
    head, tail = _article_path_parts(get_script_prefix())
    return f"{head}{slug}{tail}"


def absolute(path):
    return settings.SITE_URL + path


def _person_ld(name, orcid):
    person = {"@type": "Person", "name": name}
    if orcid:
        person["sameAs"] = orcid_url(orcid)  # self-reported: see articles.orcid
    return person


def _json_ld(context, *, author_names, author_orcids, references):
    """schema.org ``MedicalWebPage``. ``lastReviewed`` and ``reviewedBy`` only for
    approved content outside previews: nothing else has been reviewed."""
    article, revision = context["article"], context["revision"]
    publisher = {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "publishingPrinciples": absolute(reverse("editorial_policy")),
    }
    board = {
        "@type": "Organization",
        "name": f"{settings.SITE_NAME} Medical Advisory Board",
        "url": absolute(board_url()),
    }
    audiences = [{"@type": "MedicalAudience", "audienceType": "Clinician"}]
    if context["patient_available"]:
        audiences.append({"@type": "MedicalAudience", "audienceType": "Patient"})
    published = article.first_published_at or revision.locked_at or revision.created_at
    orcid_by_name = {person["name"]: person["orcid"] for person in author_orcids}
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": revision.title,
        "headline": revision.title,
        "description": context["meta_description"],
        "url": context["canonical_url"],
        "inLanguage": "en",
        "about": {"@type": "MedicalEntity", "name": article.topic.name},
        "mainEntity": {
            "@type": "Question",
            "name": revision.title,
            "acceptedAnswer": {"@type": "Answer", "text": truncate(context["summary_text"], 1200)},
        },
        # In the site's time zone, as the page shows them: the same instant, and the
        # same calendar day a reader sees under "Last updated".
        "datePublished": timezone.localtime(published).isoformat(),
        "dateModified": timezone.localtime(context["last_updated"]).isoformat(),
        "author": [_person_ld(name, orcid_by_name.get(name)) for name in author_names] or publisher,
        "publisher": publisher,
        "audience": audiences,
        "citation": [_citation_ld(ref) for ref in references],
    }
    if context["literature_current_through"]:
        # schema.org has no "literature current through"; temporalCoverage (the period the
        # content covers) takes an ISO 8601 interval, here open at its start.
        data["temporalCoverage"] = f"../{context['literature_current_through'].isoformat()}"
    if context["state"] == PageState.APPROVED and not context["preview"]:
        if article.last_reviewed_at:
            data["lastReviewed"] = timezone.localdate(article.last_reviewed_at).isoformat()
        # Only people who approved: after a chair's override with no board approval,
        # nobody is named (DESIGN invariant 8), and the board is not claimed either.
        reviewed_by = [
            {
                "@type": "Person",
                "name": reviewer.get("name", ""),
                "honorificSuffix": reviewer.get("credentials", ""),
                "hasCredential": {
                    "@type": "EducationalOccupationalCredential",
                    "name": reviewer.get("credentials", ""),
                },
                "url": absolute(board_url(reviewer.get("slug", ""))),
                "memberOf": board,
                **({"sameAs": orcid_url(reviewer["orcid"])} if reviewer.get("orcid") else {}),
            }
            for reviewer in context["reviewers"]
        ]
        if reviewed_by:
            data["reviewedBy"] = reviewed_by
        elif not context["override"]:
            data["reviewedBy"] = board
    if context["notices"]:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{notice.get_kind_display()}: {notice.reason}",
                "datePublished": timezone.localtime(notice.issued_at).isoformat(),
            }
            for notice in context["notices"]
        ]
    return data


def _citation_ld(ref):
    identifiers = []
    if ref.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": ref.doi})
    if ref.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": ref.pmid})
    links = [link for link in (ref.doi_url, ref.pubmed_url, ref.url) if link]
    item = {
        "@type": "ScholarlyArticle" if _scholarly(ref) else "CreativeWork",
        "name": ref.title,
        "genre": ref.get_kind_display(),
        "publisher": {"@type": "Organization", "name": ref.source},
        "datePublished": str(ref.year),
    }
    if identifiers:
        item["identifier"] = identifiers
    if links:
        item["url"] = links[0]
        if len(links) > 1:
            item["sameAs"] = links[1:]
    return item


_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data):
    """JSON safe to place inside ``<script>``: no ``<``, ``>`` or ``&`` can end it.
    (Three ``replace`` calls, not ``str.translate`` with a dict: that looked up every
    character of the ~10 KB script in Python, 0.5 ms a page.)"""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    for char, escape in _JSON_SCRIPT_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text
