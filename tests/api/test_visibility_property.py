"""Drafts, rejected and withdrawn articles never appear in any API response, whatever the
filters and the policy: a property test over the states an article's facts can be in (as
``editorial.services`` writes them: ``_core.set_public_status`` and ``publishing``)."""

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import ReviewStatus
from editorial.models import EditorialPolicy
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory, TopicFactory

pytestmark = pytest.mark.django_db

# state: (revisions locked, published, review_status, may readers see it)
STATES = {
    "draft": ("none", False, ReviewStatus.NOT_SUBMITTED),
    "rejected": ("first", False, ReviewStatus.NOT_SUBMITTED),
    "withdrawn": ("first", False, ReviewStatus.NOT_SUBMITTED),
    "submitted": ("first", False, ReviewStatus.SUBMITTED),
    "under_review": ("first", False, ReviewStatus.UNDER_REVIEW),
    "changes_requested": ("first", False, ReviewStatus.UNDER_REVIEW),
    "approved": ("first", True, ReviewStatus.APPROVED),
    "approved_update_in_review": ("both", True, ReviewStatus.UNDER_REVIEW),
    "approved_update_rejected": ("both", True, ReviewStatus.APPROVED),
    "approved_draft_update": ("first", True, ReviewStatus.APPROVED),
}
NEVER = {"draft", "rejected", "withdrawn"}
PENDING = {"submitted", "under_review", "changes_requested"}


def build(state, index, topic, reviewers):
    locked, is_published, status = STATES[state]
    article = ArticleFactory(slug=f"{state.replace('_', '-')}-{index}", topic=topic)
    first = RevisionFactory(article=article, number=1, title=f"{state} first")
    if is_published:
        lock_and_publish(first, reviewers=reviewers)
    elif locked != "none":
        first.lock()
    if state != "approved":
        second = RevisionFactory(article=article, number=2, title=f"{state} second")
        if locked == "both":
            second.lock()
    type(article).objects.filter(pk=article.pk).update(review_status=status)
    return article


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    states=st.lists(st.sampled_from(sorted(STATES)), min_size=1, max_size=8),
    publish_pending=st.booleans(),
    topic_filter=st.booleans(),
    text=st.sampled_from(["", "first", "second", "state"]),
    page_size=st.integers(min_value=1, max_value=5),
)
def test_drafts_rejected_and_withdrawn_never_appear(
    client, states, publish_pending, topic_filter, text, page_size
):
    with transaction.atomic():  # each example starts from an empty database
        check(client, states, publish_pending, topic_filter, text, page_size)
        transaction.set_rollback(True)


def check(client, states, publish_pending, topic_filter, text, page_size):
    cache.clear()
    EditorialPolicy.objects.update_or_create(pk=1, defaults={"publish_pending": publish_pending})
    topic = TopicFactory()
    reviewers = make_reviewers(1, tag=f"p{topic.pk}")
    built = {build(state, i, topic, reviewers).slug: state for i, state in enumerate(states)}
    query = {"page_size": page_size}
    if topic_filter:
        query["topic"] = topic.slug
    if text:
        query["q"] = text

    seen, url, data = [], "/api/v1/articles/", query
    while url:
        body = client.get(url, data).json()
        seen += body["results"]
        url, data = body["next"], None
    for slug, state in built.items():
        detail = client.get(f"/api/v1/articles/{slug}/")
        if state in NEVER or (state in PENDING and not publish_pending):
            assert detail.status_code == 404, state
        else:
            assert detail.status_code == 200, state
            assert detail.json()["question"] == f"{state} first"  # never an unapproved update
            assert detail.json()["review"]["pending"] is (state in PENDING)

    for row in seen:
        state = built[row["slug"]]
        assert state not in NEVER
        assert state not in PENDING or publish_pending
        assert row["question"] == f"{state} first"
