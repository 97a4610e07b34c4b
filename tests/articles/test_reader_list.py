"""The home page: approved articles, newest review first, topic filter, full-text search
with ranking, pagination; and the editorial policy page and the "what changed" view."""

import datetime

import pytest
from django.utils import timezone

from articles.services import revision_draft_for_edit, revision_update_draft
from articles.views import PAGE_SIZE
from editorial.models import EditorialPolicy
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def publish(title, *, days_ago=0, topic=None, body="Text [1].", summary="Short answer."):
    article = ArticleFactory(**({"topic": topic} if topic else {}))
    revision = RevisionFactory(article=article, number=1, title=title, body=body, summary=summary)
    lock_and_publish(
        revision,
        reviewers=make_reviewers(1, tag=f"list{article.pk}"),
        approved_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return article


def titles(response):
    return [article.published_revision.title for article in response.context["page"]]


def test_home_lists_approved_articles_newest_review_first(client, draft):
    publish("Older question?", days_ago=30)
    publish("Newer question?", days_ago=1)
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == ["Newer question?", "Older question?"]
    assert draft.title not in response.content.decode()


def test_topic_filter(client):
    sleep = TopicFactory(name="Sleep", slug="sleep")
    publish("Sleep question?", topic=sleep)
    publish("Other question?")
    response = client.get("/", {"topic": "sleep"})
    assert titles(response) == ["Sleep question?"]
    assert "Sleep: 1 article" in response.content.decode()


def test_search_ranks_title_matches_above_body_matches(client):
    publish("Does iron help restless legs?", body="Ferritin guides treatment [1].", days_ago=5)
    publish("What causes cramps?", body="Sometimes iron is low, rarely [1].", days_ago=1)
    publish("Is coffee bad for sleep?", body="Caffeine late in the day [1].")
    response = client.get("/", {"q": "iron"})
    assert titles(response) == ["Does iron help restless legs?", "What causes cramps?"]
    assert "2 results for “iron”" in response.content.decode()
    # websearch syntax and stemming: "legs" finds "leg", a quoted phrase works, junk is safe
    assert titles(client.get("/", {"q": "restless leg"})) == ["Does iron help restless legs?"]
    assert client.get("/", {"q": '"unbalanced OR ( & !'}).status_code == 200


def test_search_finds_only_the_published_revisions_words(client, author):
    article = publish("Is magnesium useful for cramps?")
    article.authors.add(author)
    draft = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(revision=draft, body="Zebra crossing [1].")
    assert titles(client.get("/", {"q": "zebra"})) == []
    assert titles(client.get("/", {"q": "magnesium"})) == ["Is magnesium useful for cramps?"]


def test_search_uses_the_stored_vectors_gin_index():
    from django.db import connection

    from articles.selectors import search_published

    publish("Does iron help restless legs?")
    with connection.cursor() as cursor:
        # A handful of rows would be read whole; forbid plain scans so that the plan
        # shows whether the index can serve the match (GIN is read by bitmap scans).
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = search_published(query="iron legs").explain()
    assert "revision_search_idx" in plan, plan


def test_search_vectors_follow_every_edit_of_a_draft(client, author):
    """The trigger recomputes a revision's vector on each save of its text, so what is
    published is what is found, including the plain-language version."""
    article = publish("Is magnesium useful for cramps?")
    article.authors.add(author)
    draft = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(revision=draft, body="Quinine is no longer advised [1].")
    revision_update_draft(revision=draft, patient_body="Stretching the calf can help.")
    lock_and_publish(draft, reviewers=make_reviewers(1, tag="vec"))
    assert titles(client.get("/", {"q": "quinine"})) == ["Is magnesium useful for cramps?"]
    assert titles(client.get("/", {"q": "stretching calf"})) == ["Is magnesium useful for cramps?"]
    assert titles(client.get("/", {"q": "magnesium"})) == ["Is magnesium useful for cramps?"]


def test_pagination(client):
    for index in range(PAGE_SIZE + 3):
        publish(f"Question number {index}?", days_ago=index)
    first = client.get("/")
    assert len(titles(first)) == PAGE_SIZE
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/", {"page": 2})
    assert len(titles(second)) == 3
    assert client.get("/", {"page": "999"}).status_code == 200  # clamps, never a 500
    assert client.get("/", {"page": "x"}).status_code == 200


def test_editorial_policy_page_renders_the_chairs_text_safely(client):
    policy = EditorialPolicy.load()
    policy.policy_text = (
        "## How we review\n\nTwo physicians check **every** answer.<script>x()</script>"
    )
    policy.quorum = 2
    policy.save()
    response = client.get("/editorial-policy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>How we review</h2>" in html
    assert "<strong>every</strong>" in html
    assert "<script>x()" not in html
    assert "once <strong>2</strong> members" in html
    assert "without the board's quorum" in html  # overrides are described


@pytest.fixture
def two_approvals(author):
    article, first = b12_article(author=author)
    lock_and_publish(first, reviewers=make_reviewers(1, tag="c1"))
    second = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(
        revision=second,
        summary="Yes, it can contribute; iron deficiency remains the commoner cause [1, 2].",
    )
    lock_and_publish(second, reviewers=make_reviewers(1, tag="c2"))
    return article, first, second


def test_what_changed_between_two_approved_revisions(client, two_approvals):
    article, _, _ = two_approvals
    response = client.get(f"/articles/{article.slug}/changes/1/2/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What changed in version 2" in html
    assert "<ins>" in html and "<del>" in html
    assert "commoner" in html
    assert 'Question <span class="unchanged">(unchanged)</span>' in html


def test_what_changed_is_404_for_anything_but_two_approved_revisions(client, two_approvals, author):
    article, _, _ = two_approvals
    draft = revision_draft_for_edit(article=article, actor=author)
    other, _ = b12_article(slug="another-article")
    for url in (
        f"/articles/{article.slug}/changes/1/{draft.number}/",  # a draft
        f"/articles/{article.slug}/changes/2/1/",  # backwards
        f"/articles/{article.slug}/changes/1/1/",
        f"/articles/{article.slug}/changes/1/9/",
        f"/articles/{other.slug}/changes/1/2/",  # not published
    ):
        assert client.get(url).status_code == 404, url


def test_what_changed_keeps_one_unchanged_paragraph_of_context_around_a_change():
    from types import SimpleNamespace

    from articles.diffs import compare_revisions

    def revision(body):
        return SimpleNamespace(
            title="Q?",
            summary="S.",
            body=body,
            patient_body="",
            references=SimpleNamespace(all=list),
        )

    old = "\n\n".join(f"Paragraph {n}." for n in range(1, 6))
    new = old + "\n\nA new <b>closing</b> paragraph."
    body = next(f for f in compare_revisions(revision(old), revision(new)) if f["changed"])
    kinds = [(row["kind"], str(row["html"])) for row in body["rows"]]
    assert kinds == [
        ("skipped", "4 unchanged paragraphs"),
        ("same", "<p>Paragraph 5.</p>"),
        ("added", '<ins class="diff-block"><p>A new <b>closing</b> paragraph.</p></ins>'),
    ]


def test_search_results_mark_the_readers_words(client):
    """Issue 10: the reader sees why each result matched (PostgreSQL's ts_headline, the
    same parser as the search: "legs" marks "leg" too); the text stays escaped."""
    publish(
        "Do <b>iron</b> tablets help restless legs?",
        summary="Iron helps when ferritin is low [1].",
    )

    page = client.get("/", {"q": "iron leg"}).content.decode()

    assert (
        "Do &lt;b&gt;<mark>iron</mark>&lt;/b&gt; tablets help restless <mark>legs</mark>?" in page
    )
    assert "<mark>Iron</mark> helps when ferritin is low" in page
    assert "<b>iron</b>" not in page


def test_without_a_query_nothing_is_marked(client):
    publish("Does iron help restless legs?")
    assert "<mark>" not in client.get("/").content.decode()
