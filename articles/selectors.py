"""Reads of published content that several places need."""

from django.db.models import Prefetch

from articles.models import Article, Reference


def published_articles():
    return (
        Article.objects.published()
        .select_related("topic", "published_revision")
        .order_by("-last_reviewed_at", "slug")
    )


def published_article(slug):
    """The article with its published revision and that revision's references, or None."""
    return (
        Article.objects.published()
        .select_related("topic", "published_revision")
        .prefetch_related(
            Prefetch(
                "published_revision__references",
                queryset=Reference.objects.order_by("position"),
            )
        )
        .filter(slug=slug)
        .first()
    )
