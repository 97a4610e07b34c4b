"""What the public API reads: the articles a reader may see (approved ones, and pending
ones where the policy publishes them), in a fixed number of queries per page."""

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from articles import selectors
from articles.models import Article, Reference, Revision, Topic
from reviewers.models import BoardMember


def _pending_revision(field):
    """``field`` of the newest submitted revision of the outer article."""
    return Subquery(
        Revision.objects.filter(article=OuterRef("pk"), locked_at__isnull=False)
        .order_by("-number")
        .values(field)[:1]
    )


def visible_articles():
    """Articles any reader may see, each annotated with the revision shown
    (``shown_revision_id``), when it last changed for readers (``updated_at``) and whether
    it is pending review. Drafts, rejected and withdrawn articles never match: a
    never-approved article is visible only while in review, and only if the policy says
    so."""
    visible = Q(published_revision__isnull=False)
    if selectors.editorial_policy()["publish_pending"]:
        visible |= Q(published_revision__isnull=True, review_status__in=selectors.PENDING_STATUSES)
    return (
        Article.objects.filter(visible)
        .select_related("topic")
        .annotate(
            shown_revision_id=Coalesce("published_revision_id", _pending_revision("pk")),
            updated_at=Coalesce("last_reviewed_at", _pending_revision("locked_at")),
        )
        .filter(shown_revision_id__isnull=False)
    )


def search(articles, *, topic="", updated_since=None, query=""):
    if topic:
        articles = articles.filter(topic__slug=topic)
    if updated_since is not None:
        articles = articles.filter(updated_at__gte=updated_since)
    if query:
        matching = selectors.matching_revisions(query)
        if matching is not None:
            articles = articles.filter(shown_revision_id__in=matching)
        else:
            text = (
                Q(title__icontains=query)
                | Q(summary__icontains=query)
                | Q(body__icontains=query)
                | Q(patient_body__icontains=query)
            )
            articles = articles.filter(
                Exists(Revision.objects.filter(text, pk=OuterRef("shown_revision_id")))
            )
    return articles


def attach_revisions(articles, *, references=False):
    """Set ``shown_revision`` on each article of a page: one query (two with references)."""
    revisions = Revision.objects.filter(pk__in=[a.shown_revision_id for a in articles])
    if references:
        revisions = revisions.prefetch_related(
            Prefetch("references", queryset=Reference.objects.order_by("position"))
        )
    by_id = {revision.pk: revision for revision in revisions}
    for article in articles:
        article.shown_revision = by_id[article.shown_revision_id]
    return articles


def visible_article(slug):
    article = visible_articles().filter(slug=slug).first()
    if article is not None:
        attach_revisions([article], references=True)
    return article


def topics():
    return Topic.objects.order_by("name")


def active_board():
    return BoardMember.objects.active().prefetch_related(
        Prefetch("specialties", queryset=Topic.objects.order_by("name"))
    )
