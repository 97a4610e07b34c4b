"""The parts of the reader page that follow from a revision alone, rendered with its
Markdown and stored with it (``articles.stored_html``): the reference list for each
audience (its back-links follow that audience's reading order), the references as
schema.org citations, and the summary cut to the lengths the page's metadata takes.

A submitted revision and its references never change, so an uncached page inserts these
as they are instead of building them from the reference rows on every request (issue 12).
A draft (the author's preview) gets them rendered live, by the same functions.

The reference list's markup is ``articles/jinja2/articles/_references.html``. Stored HTML
is rendered again only when ``rendering.RENDERER_VERSION`` changes, so a change to that
template must bump it: tests/articles/test_fragments.py pins the template to the version.
"""

import json

from django.template.loader import get_template

from articles.models import ReferenceKind
from articles.rendering import cited_numbers, plain_text, truncate

AUDIENCES = ("professional", "patient")
REFERENCES_TEMPLATE = "articles/_references.html"
SCHOLARLY_KINDS = {ReferenceKind.RESEARCH, ReferenceKind.SYSTEMATIC_REVIEW, ReferenceKind.REVIEW}
# What the page's metadata takes of the summary: the meta description, and the answer in
# the structured data.
DESCRIPTION_LENGTH = 200
ANSWER_LENGTH = 1200


def showing_patient(revision, audience):
    """Whether ``audience`` reads the plain-language version (if there is one)."""
    return audience == "patient" and bool(revision.patient_body.strip())


def reading_order(revision, audience):
    """(anchor prefix, Markdown) in the order ``audience`` reads the revision: where each
    reference's back-link returns to is its first citation in this order. The
    plain-language version opens with its own summary and safety note; a revision written
    before they existed falls back to the clinicians' summary."""
    patient = showing_patient(revision, audience)
    if patient and revision.patient_summary.strip():
        order = [("pcite", revision.patient_summary)]
    else:
        order = [("cite", revision.summary)]
    if patient:
        if revision.patient_safety_note.strip():
            order.append(("pcite", revision.patient_safety_note))
        order += [("pcite", revision.patient_body), ("cite", revision.body)]
    else:
        order.append(("cite", revision.body))
    return order


def reference_items(references, order):
    """Each reference with the anchor its back-link returns to ("" if it is not cited)."""
    backlinks = {}
    for prefix, text in order:
        for number in cited_numbers(text):
            backlinks.setdefault(number, f"{prefix}-{number}")
    return [
        {"ref": ref, "backlink": backlinks.get(ref.position, ""), "is_scholarly": scholarly(ref)}
        for ref in references
    ]


def scholarly(ref):
    return ref.kind in SCHOLARLY_KINDS


def revision_fragments(revision, references, summary_text=None):
    """The stored fragments of ``revision`` (plain data: strings by name), given its
    ``references`` in position order."""
    template = get_template(REFERENCES_TEMPLATE, using="jinja2")
    if summary_text is None:
        summary_text = plain_text(revision.summary)
    return {
        "references_html": {
            audience: template.render(
                {"references": reference_items(references, reading_order(revision, audience))}
            )
            for audience in AUDIENCES
        },
        "citations_ld": json.dumps([citation_ld(ref) for ref in references], ensure_ascii=False),
        "meta_description": truncate(summary_text, DESCRIPTION_LENGTH),
        "answer_text": truncate(summary_text, ANSWER_LENGTH),
    }


def citation_ld(ref):
    """One reference as schema.org ``ScholarlyArticle`` or ``CreativeWork``."""
    identifiers = []
    if ref.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": ref.doi})
    if ref.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": ref.pmid})
    links = [link for link in (ref.doi_url, ref.pubmed_url, ref.url) if link]
    item = {
        "@type": "ScholarlyArticle" if scholarly(ref) else "CreativeWork",
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
