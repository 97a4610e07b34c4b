"""Builders shared by the API tests."""

from django.core.cache import cache
from django.utils import timezone

from articles.models import ReviewStatus
from editorial.models import EditorialPolicy
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory


def published(slug, *, topic=None, approved_at=None, reviewers=None, references=2):
    kwargs = {"slug": slug} if topic is None else {"slug": slug, "topic": topic}
    article = ArticleFactory(**kwargs)
    revision = RevisionFactory(article=article, number=1, title=f"What about {slug}?")
    for position in range(1, references + 1):
        ReferenceFactory(revision=revision, position=position, doi=f"10.1000/{slug}.{position}")
    reviewers = reviewers if reviewers is not None else make_reviewers(1, tag=slug)
    return lock_and_publish(revision, reviewers=reviewers, approved_at=approved_at)


def pending(slug, *, topic=None):
    """A never-approved article whose first revision is in review."""
    kwargs = {"slug": slug} if topic is None else {"slug": slug, "topic": topic}
    article = ArticleFactory(review_status=ReviewStatus.UNDER_REVIEW, **kwargs)
    revision = RevisionFactory(article=article, number=1, title=f"Pending {slug}?")
    revision.lock(at=timezone.now())
    return article


def set_publish_pending(value):
    policy = EditorialPolicy.load()
    policy.publish_pending = value
    policy.save()
    cache.clear()
