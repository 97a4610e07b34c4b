"""The reference lists and citations are rendered with the revision's Markdown and stored
with it (articles.fragments, issue 12): a draft renders them live, a submitted revision
is served what was stored, and a change to their template needs a new renderer version."""

import hashlib
import json
from pathlib import Path

import pytest
from django.conf import settings

from articles import fragments, stored_html
from articles.models import RenderedRevision
from articles.presentation import reader_context
from articles.rendering import RENDERER_VERSION
from editorial import services
from tests.factories import ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Path(settings.BASE_DIR) / "articles" / "jinja2" / "articles" / "_references.html"
# The reference list's template as each renderer version stored it. Changed the template?
# Bump articles.rendering.RENDERER_VERSION (stored lists are then rendered again) and add
# the new digest here.
TEMPLATE_DIGESTS = {3: "0ed41ce01e53eb2cc0d8565a5cfdaf36ac90daff96159937ce3f4e0cfa7c777c"}


def test_the_reference_list_template_is_the_one_its_renderer_version_stored():
    digest = hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()
    assert TEMPLATE_DIGESTS.get(RENDERER_VERSION) == digest, (
        "articles/_references.html changed: bump RENDERER_VERSION so that stored reference "
        "lists are rendered again, and record the new digest in TEMPLATE_DIGESTS"
    )


def _revision_with_a_patient_version(article):
    revision = RevisionFactory(
        article=article,
        number=1,
        summary="Short [2].",
        body="Long [1] and [2].",
        patient_body="Plain [1].",
        patient_summary="",
    )
    ReferenceFactory(revision=revision, position=1, title="First <study> & co", doi="10.1000/a1")
    ReferenceFactory(revision=revision, position=2, title="Second", doi="", pmid="123")
    return revision


def test_each_audiences_list_links_back_to_where_it_reads_the_citation_first(article):
    revision = _revision_with_a_patient_version(article)
    shown = fragments.revision_fragments(revision, list(revision.references.all()))
    professional = shown["references_html"]["professional"]
    patient = shown["references_html"]["patient"]
    assert 'href="#cite-1"' in professional and 'href="#cite-2"' in professional
    # Patients read their own body first (pcite-1); [2] only in the clinicians' text.
    assert 'href="#pcite-1"' in patient and 'href="#cite-2"' in patient
    assert "First &lt;study&gt; &amp; co" in professional
    citations = json.loads(shown["citations_ld"])
    assert [c["name"] for c in citations] == ["First <study> & co", "Second"]
    assert citations[1]["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "PMID", "value": "123"}
    ]


def test_a_draft_renders_its_references_live_and_stores_nothing(article):
    revision = _revision_with_a_patient_version(article)
    context = reader_context(article=article, revision=revision, preview=True)
    assert "First &lt;study&gt;" in context["references_html"]
    revision.references.filter(position=1).update(title="Renamed before submission")
    context = reader_context(article=article, revision=revision, preview=True)
    assert "Renamed before submission" in context["references_html"]
    assert not RenderedRevision.objects.filter(revision=revision).exists()


def test_a_submitted_revision_is_served_the_stored_list(client, article, author):
    """What was stored at submission is what readers get, whatever renders now (a
    submitted revision's references cannot change; a new renderer version must be
    rolled out with ``rerender``)."""
    revision = _revision_with_a_patient_version(article)
    services.submission_submit(article=article, revision=revision, actor=author)
    stored = RenderedRevision.objects.get(revision=revision)
    fields = dict(stored.fields)
    fields["references_html"] = {
        audience: html.replace("Second", "Second (as stored)")
        for audience, html in fields["references_html"].items()
    }
    RenderedRevision.objects.filter(revision=revision).update(fields=fields)
    revision.refresh_from_db()
    context = reader_context(article=article, revision=revision, audience="patient")
    assert "Second (as stored)" in context["references_html"]
    assert context["references"] is None  # the rows were never read
    assert stored_html.revision_fields(revision, references=lambda: 1 / 0) == fields
