"""The reader's pages (DESIGN invariant 1): only approved revisions are shown; the
reference list is numbered and links to DOI and PubMed."""

from html.parser import HTMLParser

import pytest

from articles.models import ReferenceKind
from articles.services import revision_draft_for_edit, revision_update_draft
from editorial import services
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    """The reference list items (by id) and every link's href with its text."""

    def __init__(self, html):
        super().__init__()
        self.reference_ids = []
        self.links = []
        self._href = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and (attrs.get("id") or "").startswith("ref-"):
            self.reference_ids.append(attrs["id"])
        if tag == "a":
            self._href = attrs.get("href")
            self.links.append([self._href, ""])

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self.links[-1][1] += data

    def hrefs(self):
        return [href for href, _ in self.links]


def new_article(author, *, title):
    article = ArticleFactory(authors=[author])
    revision = RevisionFactory(article=article, number=1, title=title)
    ReferenceFactory(revision=revision, position=1)
    return article, revision


def approve(article, revision, author, chair):
    submission = services.submission_submit(article=article, revision=revision, actor=author)
    submission = services.submission_start_review(submission=submission, actor=chair)
    return services.submission_approve(submission=submission, actor=chair)


def test_an_approved_article_is_shown(client, approved, article):
    response = client.get(f"/articles/{article.slug}/")

    assert response.status_code == 200
    assert response.context["revision"].pk == approved.revision_id
    assert approved.revision.title in response.content.decode()


def test_a_draft_is_not_found(client, draft, article):
    assert client.get(f"/articles/{article.slug}/").status_code == 404


@pytest.mark.parametrize(
    "state", ["submitted", "under_review", "changes_requested", "rejected", "withdrawn"]
)
def test_an_article_never_approved_is_not_found(state, request, client, article):
    submission = request.getfixturevalue(state)

    response = client.get(f"/articles/{article.slug}/")

    assert response.status_code == 404
    assert submission.revision.title not in response.content.decode()


def test_an_unknown_slug_is_not_found(client):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_references_are_listed_in_order_with_doi_and_pubmed_links(client, author, chair):
    article = ArticleFactory(authors=[author])
    revision = RevisionFactory(article=article, number=1, body="Cited in turn [1], [2] and [3].")
    # Created out of order: the page follows ``position``.
    for position, title, doi, pmid in [
        (3, "Third: a cohort study", "10.1000/third", "30000003"),
        (1, "First: the guideline", "10.1000/first", "10000001"),
        (2, "Second: a review", "", "20000002"),
    ]:
        ReferenceFactory(
            revision=revision,
            position=position,
            kind=ReferenceKind.RESEARCH,
            title=title,
            doi=doi,
            pmid=pmid,
        )
    approve(article, revision, author, chair)

    html = client.get(f"/articles/{article.slug}/").content.decode()

    page = Links(html)
    assert page.reference_ids == ["ref-1", "ref-2", "ref-3"]
    assert html.index("First: the guideline") < html.index("Second: a review")
    assert html.index("Second: a review") < html.index("Third: a cohort study")
    hrefs = page.hrefs()
    assert "https://doi.org/10.1000/first" in hrefs
    assert "https://doi.org/10.1000/third" in hrefs
    assert not any(href.startswith("https://doi.org/") and "second" in href for href in hrefs)
    assert [href for href in hrefs if href.startswith("https://pubmed.ncbi.nlm.nih.gov/")] == [
        "https://pubmed.ncbi.nlm.nih.gov/10000001/",
        "https://pubmed.ncbi.nlm.nih.gov/20000002/",
        "https://pubmed.ncbi.nlm.nih.gov/30000003/",
    ]
    # Each citation links down to its reference, each reference back up to its citation.
    assert [href for href in hrefs if href.startswith("#ref-")] == ["#ref-1", "#ref-2", "#ref-3"]
    assert [href for href in hrefs if href.startswith("#cite-")] == [
        "#cite-1",
        "#cite-2",
        "#cite-3",
    ]


def test_the_home_page_lists_only_approved_articles(client, author, chair):
    live, live_revision = new_article(author, title="Is the approved one listed?")
    approve(live, live_revision, author, chair)
    draft, _ = new_article(author, title="Is a draft listed?")
    pending, pending_revision = new_article(author, title="Is a submission listed?")
    services.submission_submit(article=pending, revision=pending_revision, actor=author)
    refused, refused_revision = new_article(author, title="Is a rejected one listed?")
    submission = services.submission_submit(
        article=refused, revision=refused_revision, actor=author
    )
    submission = services.submission_start_review(submission=submission, actor=chair)
    services.submission_reject(submission=submission, actor=chair, comment="Out of scope.")

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Is the approved one listed?" in html
    assert live.get_absolute_url() in Links(html).hrefs()
    for article, title in [
        (draft, "Is a draft listed?"),
        (pending, "Is a submission listed?"),
        (refused, "Is a rejected one listed?"),
    ]:
        assert title not in html
        assert article.get_absolute_url() not in Links(html).hrefs()


def test_the_home_page_shows_the_approved_title_while_an_update_is_reviewed(client, author, chair):
    article, revision = new_article(author, title="The approved question?")
    approve(article, revision, author, chair)
    update = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(revision=update, title="The question under review?")
    services.submission_submit(article=article, revision=update, actor=author)

    html = client.get("/").content.decode()

    assert "The approved question?" in html
    assert "The question under review?" not in html
