import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api.pagination import ArticleCursorPagination
from editorial import services
from tests.api.support import pending, published, set_publish_pending
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.factories import TEST_PASSWORD, TopicFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def slugs(response):
    return [row["slug"] for row in response.json()["results"]]


def test_the_list_shows_approved_articles_newest_first(client):
    now = timezone.now()
    published("older", approved_at=now - datetime.timedelta(days=3))
    published("newer", approved_at=now - datetime.timedelta(days=1))
    pending("in-review")

    response = client.get(LIST)

    assert response.status_code == 200
    assert slugs(response) == ["newer", "older"]
    row = response.json()["results"][0]
    assert row["question"] == "What about newer?"
    assert row["review"]["status"] == "approved"
    assert row["review"]["pending"] is False
    assert row["url"].endswith("/articles/newer/")


def test_pending_articles_appear_flagged_when_the_policy_publishes_them(client):
    published("approved-one")
    pending("in-review")
    set_publish_pending(True)

    rows = {row["slug"]: row for row in client.get(LIST).json()["results"]}

    assert rows["in-review"]["review"]["pending"] is True
    assert rows["in-review"]["review"]["reviewers"] == []
    assert rows["approved-one"]["review"]["pending"] is False


def test_filters_by_topic_updated_since_and_text(client):
    heart, skin = TopicFactory(slug="heart"), TopicFactory(slug="skin")
    now = timezone.now()
    published("beats", topic=heart, approved_at=now - datetime.timedelta(days=10))
    published("rhythm", topic=heart, approved_at=now - datetime.timedelta(hours=1))
    published("rash", topic=skin, approved_at=now - datetime.timedelta(hours=1))

    assert sorted(slugs(client.get(LIST, {"topic": "heart"}))) == ["beats", "rhythm"]
    since = (now - datetime.timedelta(days=2)).date().isoformat()
    assert sorted(slugs(client.get(LIST, {"updated_since": since}))) == ["rash", "rhythm"]
    assert slugs(client.get(LIST, {"q": "rhythm"})) == ["rhythm"]


def test_cursor_pagination_walks_every_article_once(client):
    now = timezone.now()
    reviewers = make_reviewers(1, tag="pages")
    for index in range(7):
        published(
            f"a-{index}", approved_at=now - datetime.timedelta(hours=index), reviewers=reviewers
        )
    seen, url = [], LIST + "?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
    assert seen == [f"a-{index}" for index in range(7)]


def test_an_oversized_page_size_is_capped(client, monkeypatch):
    monkeypatch.setattr(ArticleCursorPagination, "max_page_size", 2)
    reviewers = make_reviewers(1, tag="cap")
    for index in range(3):
        published(f"c-{index}", reviewers=reviewers)

    response = client.get(LIST, {"page_size": 10_000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert response.json()["next"] is not None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"tpoic": "heart"}, "detail"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "cD1ub3QtYS1kYXRl"}, "cursor"),  # base64 of "p=not-a-date"
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2999-01-01"}, "updated_since"),
        ({"updated_since": "2026-02-30"}, "updated_since"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_bad_input_is_a_400_that_says_why(client, query, field):
    published("any")
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_filters_name_the_allowed_ones(client):
    body = client.get(LIST, {"tpoic": "heart"}).json()
    assert body["detail"] == "Unknown query parameter(s): tpoic."
    assert body["allowed"] == ["cursor", "page_size", "q", "topic", "updated_since"]


def test_the_detail_has_both_audiences_references_related_and_review_facts(client):
    reviewers = make_reviewers(2, tag="b12")
    article, revision = b12_article()
    article = lock_and_publish(revision, reviewers=reviewers)
    published("iron", topic=article.topic)

    response = client.get(reverse("api:article-detail", args=[article.slug]))

    assert response.status_code == 200
    body = response.json()
    assert body["question"].startswith("Can vitamin B12")
    assert '<a href="#ref-2"' in body["professional"]["body_html"]
    assert "In plain words" in body["patient"]["body_html"]
    assert body["body_markdown"].startswith("## What the evidence shows")
    assert [ref["doi"] for ref in body["references"]][1] == "10.1000/b12.rls.2022"
    assert body["references"][1]["pmid"] == "35000001"
    assert [row["slug"] for row in body["related"]] == ["iron"]
    assert [r["name"] for r in body["review"]["reviewers"]] == ["Dr. Reviewer 1", "Dr. Reviewer 2"]
    assert body["review"]["next_review_due"] == article.next_review_due.isoformat()
    assert body["review_record_url"].endswith(f"/articles/{article.slug}/review-record.json")


def test_a_draft_or_unknown_slug_is_404(client):
    b12_article(slug="still-a-draft")
    assert client.get(reverse("api:article-detail", args=["still-a-draft"])).status_code == 404
    assert client.get(reverse("api:article-detail", args=["nothing-here"])).status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_a_page_of_articles_takes_the_same_queries_for_5_and_50(
    client, count, django_assert_num_queries
):
    reviewers = make_reviewers(2, tag="budget")
    for index in range(count):
        published(f"q-{index}", reviewers=reviewers)
    client.get("/api/v1/policy/")  # the policy is cached like the pages'; not counted

    # The page of articles, then their shown revisions.
    with django_assert_num_queries(2):
        response = client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count


def test_the_review_facts_say_how_it_was_approved_and_list_its_notices(client, under_review, chair):
    """Issue 14 asks for these once the signed-approvals issue lands: the override flag and
    its reason, literature current through, and the notices."""
    services.submission_override(
        submission=under_review,
        actor=chair,
        outcome="approve",
        reason="Urgent dose correction; the board reviews it next.",
        password=TEST_PASSWORD,
    )
    article = under_review.article
    services.notice_issue(
        article=article, actor=chair, kind="correction", reason="The dose in step 2 was wrong."
    )

    detail = client.get(f"{LIST}{article.slug}/").json()

    review = detail["review"]
    assert review["approved_by_override"] is True
    assert review["override_reason"] == "Urgent dose correction; the board reviews it next."
    assert review["literature_current_through"] == timezone.localdate().isoformat()
    assert review["reviewers"] == [], "nobody on the board approved it"
    assert [(n["kind"], n["reason"]) for n in detail["notices"]] == [
        ("correction", "The dose in step 2 was wrong.")
    ]
    listed = client.get(LIST).json()["results"][0]["review"]
    assert listed["approved_by_override"] is True
