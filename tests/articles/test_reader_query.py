"""The reader page's one-query path (articles/reader_query.py) builds exactly what the
ORM's four queries build: the same page, byte for byte, for a published article with
references, curated and same-topic related questions, a review history and authors with
ORCID iDs; the same 404s; the pending path unchanged."""

import json

import pytest
from django.http import Http404
from django.utils import timezone

from articles import reader_query, selectors, stored_html, views
from articles.models import Article, AuthorProfile, RenderedRevision
from articles.notices import Notice
from articles.rendering import RENDERER_VERSION
from tests.articles.test_reader_queries import build_article
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orm_only(monkeypatch):
    """Render through the ORM path, as before the one-query path existed."""

    def render(slug, audience):
        with monkeypatch.context() as patch:
            patch.setattr(reader_query, "page_rows", lambda slug: None)
            return views._render_article(slug, audience)

    return render


def rich_article():
    article = build_article(3)
    for n, orcid in enumerate(("0000-0002-1825-0097", "")):
        author = UserFactory(first_name=f"Ada{n}", last_name="Author")
        AuthorProfile.objects.update_or_create(user=author, defaults={"orcid": orcid})
        article.authors.add(author)
    article.authors.add(UserFactory(first_name="", last_name=""))  # unnamed: left out
    return article


@pytest.mark.parametrize("audience", ["professional", "patient"])
@pytest.mark.parametrize("stored", [True, False])
def test_one_query_page_is_the_orm_page(orm_only, audience, stored):
    article = rich_article()
    if stored:
        stored_html.revision_store_rendered(article.published_revision)
    fast_html, fast_scopes = views._render_article(article.slug, audience)
    slow_html, slow_scopes = orm_only(article.slug, audience)
    assert fast_html == slow_html
    assert fast_scopes == slow_scopes
    html = fast_html.decode()
    assert "Ada0 Author" in html and "0000-0002-1825-0097" in html
    assert html.count('<li id="ref-') == 3
    assert "Curated 0?" in html and "Same topic 2?" in html


def test_rows_match_the_orm_rows():
    article = rich_article()  # no stored HTML yet: the references are read to render it
    rows = reader_query.page_rows(article.slug)
    expected = selectors.reader_article(article.slug)
    assert rows.article.author_names == list(expected.author_names)
    assert rows.article.author_orcids == list(expected.author_orcids)
    assert rows.related == selectors.related_questions(expected)
    history = selectors.review_history(expected)
    assert [(r.pk, r.approved_at, r.revision_number, r.reviewers) for r in rows.history] == [
        (r.pk, r.approved_at, r.revision_number, r.reviewers) for r in history
    ]
    assert [
        (r.pk, r.position, r.title, r.year, r.doi, r.cited_as_retracted) for r in rows.references
    ] == [
        (r.pk, r.position, r.title, r.year, r.doi, r.cited_as_retracted)
        for r in expected.published_revision.references.all()
    ]
    for name in ("first_published_at", "last_reviewed_at", "next_review_due", "reviewed_by"):
        assert getattr(rows.article, name) == getattr(expected, name)


def test_references_are_read_only_when_the_stored_html_must_be_rendered(orm_only):
    """The stored HTML has the reference lists and citations (articles.fragments): the
    page's statement reads the references only for a revision whose stored HTML is
    missing or from another renderer version, and the page is the same either way."""
    article = rich_article()
    revision = article.published_revision
    RenderedRevision.objects.filter(revision=revision).delete()
    assert [r.position for r in reader_query.page_rows(article.slug).references] == [1, 2, 3]
    first_html, _ = views._render_article(article.slug, "professional")  # stores it
    assert reader_query.page_rows(article.slug).references is None
    assert views._render_article(article.slug, "professional")[0] == first_html
    assert orm_only(article.slug, "professional")[0] == first_html
    RenderedRevision.objects.filter(revision=revision).update(renderer_version=RENDERER_VERSION - 1)
    assert [r.position for r in reader_query.page_rows(article.slug).references] == [1, 2, 3]


def test_missing_and_unpublished_articles_are_404():
    assert reader_query.page_rows("no-such-article").article is None
    with pytest.raises(Http404):
        views._render_article("no-such-article", "professional")
    draft_only = ArticleFactory()
    assert reader_query.page_rows(draft_only.slug).references is None
    with pytest.raises(Http404):
        views._render_article(draft_only.slug, "professional")


def test_a_notice_still_shows(orm_only):
    article = rich_article()
    Notice.objects.create(
        article=article, kind="correction", reason="A dose was corrected.", issued_by="Chair"
    )
    Article.objects.filter(pk=article.pk).update(last_notice_at=timezone.now())
    fast_html, _ = views._render_article(article.slug, "professional")
    assert fast_html == orm_only(article.slug, "professional")[0]
    assert "A dose was corrected." in fast_html.decode()


@pytest.mark.parametrize("length", [1, 10, 199, 200, 201, 1200])
@pytest.mark.parametrize(
    "text", ["", "short", "a" * 200, "a" * 201, "e\u0301" * 150, "e\u0301" * 250, "Ünïcödé " * 40]
)
def test_truncate_is_djangos_truncator(text, length):
    """``rendering.truncate`` skips Truncator's walk over a text that fits, with the
    same result for every length, combining characters included."""
    from django.utils.text import Truncator

    from articles.rendering import truncate

    assert truncate(text, length) == Truncator(text).chars(length)


def test_json_ld_script_escapes_what_could_end_the_script():
    from articles.presentation import json_ld_script

    data = {"name": "</script><script>alert(1)</script> & <b>", "n": 1, "list": ["a<b", "c&d"]}
    text = json_ld_script(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert text == json.dumps(data, ensure_ascii=False).translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
    )
    assert json.loads(text) == data
