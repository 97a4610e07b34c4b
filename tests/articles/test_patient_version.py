"""The plain-language version has its own summary and safety note (issue 10): patients
reading it see those, not the clinicians' "In short" and Pitfall; the content hash covers
them only when set, so revisions hashed before they existed keep their hash."""

import hashlib
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import stored_html
from articles.diffs import compare_revisions
from articles.models import RenderedRevision, Revision
from articles.rendering import RENDERER_VERSION
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers

pytestmark = pytest.mark.django_db

PATIENT_SUMMARY = "Maybe. Low iron is a more common cause of restless legs [2]."
PATIENT_NOTE = "See a doctor soon if your feet go numb or you feel unsteady when you walk."


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def published(*, patient_summary=PATIENT_SUMMARY, patient_note=PATIENT_NOTE, tag="pv"):
    article, revision = b12_article(slug=f"b12-{tag}")
    revision.patient_summary = patient_summary
    revision.patient_safety_note = patient_note
    revision.save()
    lock_and_publish(revision, reviewers=make_reviewers(1, tag=tag))
    article.refresh_from_db()
    return article, revision


def reader_page(client, article, audience):
    response = client.get(article.get_absolute_url(), {"audience": audience})
    assert response.status_code == 200
    return response.content.decode()


def section(html, start, end):
    return html[html.index(start) : html.index(end, html.index(start))]


def test_patients_read_their_own_summary_and_safety_note_not_the_clinicians(client):
    article, revision = published()
    html = reader_page(client, article, "patient")
    summary = section(html, 'class="summary"', "</div>")
    assert "Maybe. Low iron is a more common cause of restless legs" in summary
    assert '<a href="#ref-2" id="pcite-2" class="citation"' in summary
    assert "iron deficiency is the better established" not in summary
    safety = section(html, 'id="safety-heading"', "</aside>")
    assert PATIENT_NOTE in safety
    # The clinicians' Pitfall is no longer repeated word for word in the safety box; it
    # stays in their full text, one click away.
    assert "A normal blood count does not rule out B12 deficiency" not in safety
    assert "Read the full answer written for healthcare professionals" in html


def test_clinicians_still_read_theirs(client):
    article, _ = published(tag="pro")
    html = reader_page(client, article, "professional")
    assert "iron deficiency is the better established" in section(html, 'class="summary"', "</div>")
    assert PATIENT_SUMMARY not in html and PATIENT_NOTE not in html


def test_a_version_written_before_them_falls_back_to_the_clinicians_text(client):
    article, _ = published(patient_summary="", patient_note="", tag="old")
    html = reader_page(client, article, "patient")
    assert "iron deficiency is the better established" in section(html, 'class="summary"', "</div>")
    safety = section(html, 'id="safety-heading"', "</aside>")
    assert "A normal blood count does not rule out B12 deficiency" in safety


def test_an_old_revisions_content_hash_is_unchanged():
    """The hash as computed before the fields existed: five keys, nothing else."""
    _, revision = published(patient_summary="", patient_note="", tag="hash")
    old_formula = {
        "title": revision.title,
        "summary": revision.summary,
        "body": revision.body,
        "patient_body": revision.patient_body,
        "references": [ref.canonical() for ref in revision.references.order_by("position")],
    }
    canonical = json.dumps(old_formula, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert revision.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert revision.compute_content_hash() == revision.content_hash


def test_the_hash_covers_the_summary_and_safety_note_when_set():
    _, revision = published(tag="cover")
    hashed = revision.canonical_content()
    assert hashed["patient_summary"] == PATIENT_SUMMARY
    assert hashed["patient_safety_note"] == PATIENT_NOTE
    before = revision.compute_content_hash()
    revision.patient_safety_note = PATIENT_NOTE + " Or call 911."
    assert revision.compute_content_hash() != before


def test_stored_html_has_them_and_html_from_the_previous_renderer_is_redone():
    _, revision = published(tag="stored")
    fields = stored_html.revision_store_rendered(revision)
    assert "Low iron is a more common cause" in fields["patient_summary_html"]
    assert PATIENT_NOTE in fields["patient_safety_html"]
    assert RENDERER_VERSION >= 2
    # HTML stored by renderer 1 lacks the fields: it is rendered again on first read.
    RenderedRevision.objects.filter(revision=revision).update(
        renderer_version=1, fields={"summary_html": "old"}
    )
    assert revision in stored_html.revisions_to_render()
    revision.refresh_from_db()
    fields = stored_html.revision_fields(revision, references=list(revision.references.all()))
    assert PATIENT_NOTE in fields["patient_safety_html"]
    assert RenderedRevision.objects.get(revision=revision).renderer_version == RENDERER_VERSION


def test_the_api_serialises_them(client):
    article, _ = published(tag="api")
    body = client.get(reverse("api:article-detail", args=[article.slug])).json()
    assert body["patient_summary_markdown"] == PATIENT_SUMMARY
    assert body["patient_safety_note_markdown"] == PATIENT_NOTE
    assert "Low iron is a more common cause" in body["patient"]["summary_html"]
    assert PATIENT_NOTE in body["patient"]["safety_note_html"]
    assert "better established" in body["professional"]["summary_html"]


def test_what_changed_lists_them():
    old = Revision(title="Q", summary="S", body="B")
    new = Revision(
        title="Q",
        summary="S",
        body="B",
        patient_summary=PATIENT_SUMMARY,
        patient_safety_note=PATIENT_NOTE,
    )
    fields = compare_revisions(old, new, old_references=[], new_references=[])
    changed = [field["label"] for field in fields if field["changed"]]
    assert changed == ["Plain-language summary", "Plain-language safety note"]
