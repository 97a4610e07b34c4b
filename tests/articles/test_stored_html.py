"""Render once (issue 12): a submitted revision's HTML is rendered at submission and stored
with the renderer version; older revisions are rendered on first read; ``rerender`` does
them all ahead; drafts render live; nothing of this touches the content hash."""

import json

import pytest
from django.core.management import call_command

from articles import rendering, stored_html
from articles.models import RenderedRevision, Revision
from articles.presentation import json_ld_script, reader_context
from articles.rendering import RENDERER_VERSION
from editorial import services
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.articles.test_rendering import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    CITATION_ATTRIBUTES,
    XSS_PAYLOADS,
    Page,
    is_safe_url,
    payload_ids,
    publish,
)
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db

# What articles.rendering renders from the revision's Markdown.
MARKDOWN_FIELDS = {
    "summary_html",
    "body_html",
    "patient_html",
    "patient_summary_html",
    "patient_safety_html",
    "safety_html",
    "summary_text",
}
REFERENCE_LIST_TAGS = {"section", "h2", "ol", "li", "span", "div", "cite", "a"}
REFERENCE_LIST_ATTRIBUTES = {"class", "id", "aria-labelledby", "aria-hidden", "href", "rel"}


def published_revision(title="Stored once?", body="Evidence [1]."):
    revision = RevisionFactory(article=ArticleFactory(), number=1, title=title, body=body)
    ReferenceFactory(revision=revision, position=1)
    lock_and_publish(revision, reviewers=make_reviewers(1, tag=f"s{abs(hash(title)) % 10**8}"))
    return Revision.objects.get(pk=revision.pk)


def test_submission_stores_every_rendered_field(article, draft, author):
    services.submission_submit(article=article, revision=draft, actor=author)
    stored = RenderedRevision.objects.get(revision=draft)
    assert stored.renderer_version == RENDERER_VERSION
    assert set(stored.fields) == MARKDOWN_FIELDS | {
        "references_html",
        "citations_ld",
        "meta_description",
        "answer_text",
    }
    assert set(stored.fields["references_html"]) == {"professional", "patient"}
    references = list(draft.references.order_by("position"))
    assert stored.fields == stored_html.render_all(draft, references)
    assert {
        key: value for key, value in stored.fields.items() if key in MARKDOWN_FIELDS
    } == rendering.render_revision(draft, reference_count=len(references))


def test_the_reader_page_serves_the_stored_html_not_a_fresh_render(client, monkeypatch):
    """A renderer (or library) change cannot alter an approved page until it is
    re-rendered: the page shows what was stored."""
    revision = published_revision()
    stored_html.revision_store_rendered(revision)
    monkeypatch.setattr(rendering, "render_markdown", lambda *a, **k: "<p>NEW RENDERER</p>")
    html = client.get(revision.article.get_absolute_url()).content.decode()
    assert "NEW RENDERER" not in html
    assert "Evidence" in html


@pytest.mark.parametrize("stored_version", [None, RENDERER_VERSION - 1])
def test_missing_or_old_stored_html_is_rendered_and_stored_on_first_read(client, stored_version):
    revision = published_revision()
    if stored_version is not None:
        RenderedRevision.objects.create(
            revision=revision, renderer_version=stored_version, fields={"broken": True}
        )
    response = client.get(revision.article.get_absolute_url())
    assert response.status_code == 200
    assert "Evidence" in response.content.decode()
    stored = RenderedRevision.objects.get(revision=revision)
    assert stored.renderer_version == RENDERER_VERSION
    assert "body_html" in stored.fields


def test_a_draft_preview_renders_live(article, draft):
    draft.body = "Live **now**."
    draft.save()
    context = reader_context(article=article, revision=draft, preview=True)
    assert "<strong>now</strong>" in context["body_html"]
    assert not RenderedRevision.objects.filter(revision=draft).exists()


def test_rerender_renders_what_is_missing_or_old_keeps_the_hash_and_resumes(capsys):
    revisions = [published_revision(title=f"Question {n}?") for n in range(5)]
    hashes = {r.pk: r.content_hash for r in revisions}
    RenderedRevision.objects.create(
        revision=revisions[0], renderer_version=RENDERER_VERSION - 1, fields={}
    )
    stored_html.revision_store_rendered(revisions[1])  # already current: left alone
    untouched = RenderedRevision.objects.get(revision=revisions[1]).rendered_at

    call_command("rerender", batch_size=2)

    assert "Rendered 4 revision(s)" in capsys.readouterr().out
    assert set(
        RenderedRevision.objects.filter(renderer_version=RENDERER_VERSION).values_list(
            "revision", flat=True
        )
    ) >= set(hashes)
    assert RenderedRevision.objects.get(revision=revisions[1]).rendered_at == untouched
    for revision in Revision.objects.filter(pk__in=hashes):
        assert revision.content_hash == hashes[revision.pk]
        assert revision.compute_content_hash() == hashes[revision.pk]
    call_command("rerender")  # nothing left: an interrupted run resumes from here
    assert "Rendered 0 revision(s)" in capsys.readouterr().out


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=payload_ids())
def test_stored_html_of_every_payload_holds_only_allowed_markup(payload, author, chair):
    article = publish(author, chair, text=payload)
    article.refresh_from_db()
    stored = RenderedRevision.objects.get(revision=article.published_revision_id)
    for name in MARKDOWN_FIELDS - {"summary_text"}:  # plain text, escaped by the template
        html = stored.fields[name]
        assert "<script" not in html.lower(), name
        page = Page(html)
        assert page.comments == []
        for tag, attrs in page.tags:
            assert tag in ALLOWED_TAGS | {"sup"}, (name, tag)
            for attribute, value in attrs:
                allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | CITATION_ATTRIBUTES.get(tag, set())
                assert attribute in allowed | ({"rel"} if tag == "a" else set()), (tag, attribute)
                if attribute == "href":
                    assert is_safe_url(value), value
    # The reference lists: the template's markup only, every author's value escaped.
    for audience, html in stored.fields["references_html"].items():
        page = Page(html)
        assert "<script" not in html.lower(), audience
        assert page.comments == []
        assert {tag for tag, _ in page.tags} <= REFERENCE_LIST_TAGS, audience
        for tag, attrs in page.tags:
            for attribute, value in attrs:
                assert attribute in REFERENCE_LIST_ATTRIBUTES, (tag, attribute)
                if attribute == "href":
                    assert is_safe_url(value), value
    # The citations are data, escaped when the page puts them in its script element.
    citations = json.loads(stored.fields["citations_ld"])
    assert [citation["name"] for citation in citations] == [payload[:500], payload[:500]]
    script = json_ld_script({"name": payload}, citations=stored.fields["citations_ld"])
    assert "<" not in script
    assert json.loads(script) == {"name": payload, "citation": citations}
