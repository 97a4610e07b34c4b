"""Reads of published content that several places need.

The reader page is built from four queries whatever the size of the article: the article
(with topic, published revision and author names), its references, its related questions
and its review history. On PostgreSQL a published article's page reads the same rows in
one prepared query (articles/reader_query.py); these are the path for pending articles
and SQLite. Keep both constant: tests/articles/test_reader_queries.py counts.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Trim
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import page_cache
from articles.models import (
    Article,
    Reference,
    RelatedQuestion,
    ReviewRecord,
    ReviewStatus,
    Revision,
    Topic,
)

RELATED_LIMIT = 10
PENDING_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW)


def published_articles():
    """Approved articles, newest review first, with what a listing shows."""
    return (
        Article.objects.published()
        .select_related("topic", "published_revision__rendered")
        .order_by("-last_reviewed_at", "slug")
    )


# The stored, trigger-maintained vector of each revision (migration articles 0005) and the
# reader's words as a PostgreSQL web-search query ("quoted phrases", OR, -not).
_TSQUERY = "websearch_to_tsquery('english', %s)"
_MATCHING_REVISIONS = f"SELECT id FROM articles_revision WHERE search_vector @@ {_TSQUERY}"
_PUBLISHED_RANK = (
    f"SELECT ts_rank(search_vector, {_TSQUERY}) FROM articles_revision"
    " WHERE articles_revision.id = articles_article.published_revision_id"
)


def search_published(*, query="", topic_slug=""):
    """Approved articles filtered by topic and ranked by a full-text ``query``:
    PostgreSQL full-text search (title weighted over summary over body over the
    plain-language version); on other
    databases (the SQLite demo) a plain substring match in the same order as the list."""
    articles = published_articles()
    if topic_slug:
        articles = articles.filter(topic__slug=topic_slug)
    query = query.strip()
    if not query:
        return articles
    if connection.vendor == "postgresql":
        # Matching goes through the GIN index on the stored vectors; ranking reads the
        # stored vector of each matched article's published revision.
        return (
            articles.filter(published_revision_id__in=RawSQL(_MATCHING_REVISIONS, [query]))
            .annotate(rank=RawSQL(_PUBLISHED_RANK, [query]))
            .order_by("-rank", "-last_reviewed_at", "slug")
        )
    return articles.filter(
        Q(published_revision__title__icontains=query)
        | Q(published_revision__summary__icontains=query)
        | Q(published_revision__body__icontains=query)
        | Q(published_revision__patient_body__icontains=query)
    )


_MARK_START, _MARK_STOP = "\x02", "\x03"  # never in stored text: control characters refused


def highlight_matches(texts, query):
    """``texts`` with the reader's matching words marked, as safe HTML strings: one query
    for the whole page of results (PostgreSQL's ``ts_headline``, the same parser as the
    search). The text is escaped after highlighting, so only our ``<mark>`` is markup.
    None on other databases, or when there is nothing to mark."""
    texts = list(texts)
    if connection.vendor != "postgresql" or not query or not texts:
        return None
    options = f"StartSel={_MARK_START}, StopSel={_MARK_STOP}, HighlightAll=true"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline('english', t.text, websearch_to_tsquery('english', %s), %s)"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS t(text, position)"
            " ORDER BY t.position",
            [query, options, texts],
        )
        marked = [row[0] for row in cursor.fetchall()]
    return [
        mark_safe(  # escaped first: only our <mark> tags are markup
            escape(text).replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>")
        )
        for text in marked
    ]


def matching_revisions(query):
    """Revisions whose text matches the reader's words, as a filter value for
    ``...revision_id__in`` (PostgreSQL full-text search through the stored vectors; the
    public API uses it for ``q``). None on other databases: match substrings there."""
    if connection.vendor != "postgresql":
        return None
    return RawSQL(_MATCHING_REVISIONS, [query])


def topics_with_published_articles():
    return Topic.objects.filter(articles__published_revision__isnull=False).distinct()


def topics_publishing_pending():
    """Topics whose articles in review readers may see (``Topic.publish_pending``)."""
    return list(Topic.objects.filter(publish_pending=True).order_by("name"))


def pending_articles():
    """Never-approved articles in review that readers may see, with their topic: all of
    them when the policy publishes pending articles site-wide, else those of the topics
    that do. Each carries ``pending_title`` (its newest submitted revision's question)."""
    articles = Article.objects.filter(
        published_revision__isnull=True, review_status__in=PENDING_STATUSES
    )
    if not editorial_policy()["publish_pending"]:
        articles = articles.filter(topic__publish_pending=True)
    newest = (
        Revision.objects.filter(article=OuterRef("pk"), locked_at__isnull=False)
        .order_by("-number")
        .values("title")[:1]
    )
    return (
        articles.select_related("topic")
        .annotate(pending_title=Subquery(newest))
        .order_by("-created_at", "slug")
    )


def _with_author_names(queryset):
    """Annotate ``author_names`` (full names, no usernames: those are login names) in the
    same query on PostgreSQL; elsewhere prefetch the authors (one more query, demo only)."""
    if connection.vendor != "postgresql":
        return queryset.prefetch_related("authors__author_profile")
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models.functions import JSONObject

    names = (
        get_user_model()
        .objects.filter(articles=OuterRef("pk"))
        .annotate(full_name=Trim(Concat("first_name", Value(" "), "last_name")))
        .exclude(full_name="")
        .order_by("pk")
        .values("full_name")
    )
    orcids = (
        get_user_model()
        .objects.filter(articles=OuterRef("pk"))
        .exclude(author_profile__orcid__isnull=True)
        .exclude(author_profile__orcid="")
        .annotate(full_name=Trim(Concat("first_name", Value(" "), "last_name")))
        .exclude(full_name="")
        .order_by("pk")
        .values(person=JSONObject(name="full_name", orcid="author_profile__orcid"))
    )
    return queryset.annotate(author_names=ArraySubquery(names), author_orcids=ArraySubquery(orcids))


def author_names(article):
    names = getattr(article, "author_names", None)
    if names is not None:
        return list(names)
    return [name for user in article.authors.all() if (name := user.get_full_name().strip())]


def author_orcids(article):
    """``{"name", "orcid"}`` of each named author who gave a (self-reported) ORCID iD."""
    people = getattr(article, "author_orcids", None)
    if people is not None:
        return list(people)
    found = []
    prefetched = "authors" in getattr(article, "_prefetched_objects_cache", {})
    users = (
        article.authors.all() if prefetched else article.authors.select_related("author_profile")
    )
    for user in users:
        name = user.get_full_name().strip()
        profile = getattr(user, "author_profile", None)
        if name and profile is not None and profile.orcid:
            found.append({"name": name, "orcid": profile.orcid})
    return found


def reader_article(slug):
    """The article a reader asked for, with its topic, published revision (and that
    revision's references) and author names, or None. Two queries; no references query
    when nothing is published yet."""
    return (
        _with_author_names(Article.objects.select_related("topic", "published_revision__rendered"))
        .prefetch_related(
            Prefetch(
                "published_revision__references",
                queryset=Reference.objects.order_by("position"),
            )
        )
        .filter(slug=slug)
        .first()
    )


def pending_revision(article):
    """The revision in review of an article that has never been approved (shown only when
    the policy publishes pending articles), with its stored HTML (which has its
    references); or None."""
    if article.published_revision_id or article.review_status not in PENDING_STATUSES:
        return None
    return (
        article.revisions.filter(locked_at__isnull=False)
        .select_related("rendered")
        .order_by("-number")
        .first()
    )


def related_questions(article, *, limit=RELATED_LIMIT):
    """Other approved articles to read next, in one query: the curated links first (in
    their order), then the newest-reviewed articles of the same topic. Dicts with
    ``pk``, ``slug`` and ``title``."""
    curated = RelatedQuestion.objects.filter(article=article)
    rows = (
        Article.objects.published()
        .filter(Q(pk__in=curated.values("related")) | Q(topic_id=article.topic_id))
        .exclude(pk=article.pk)
        .annotate(
            curated_position=Subquery(
                curated.filter(related=OuterRef("pk")).values("position")[:1]
            ),
            title=F("published_revision__title"),
        )
        .order_by(F("curated_position").asc(nulls_last=True), "-last_reviewed_at", "slug")
        .values("pk", "slug", "title", "curated_position")[:limit]
    )
    return list(rows)


def review_history(article):
    """Every approval of the article, newest first, with the approved revision's number.
    One query."""
    return list(
        ReviewRecord.objects.filter(article=article)
        .annotate(revision_number=F("revision__number"))
        .order_by("-approved_at", "-pk")
    )


def approved_revision(article, number):
    """Revision ``number`` of ``article`` if it was ever approved (it has a review
    record), with its references and stored HTML; else None."""
    return (
        article.revisions.filter(
            number=number,
            pk__in=ReviewRecord.objects.filter(article=article).values("revision"),
        )
        .select_related("rendered")  # the stored HTML the "what changed" page compares
        .prefetch_related(Prefetch("references", queryset=Reference.objects.order_by("position")))
        .first()
    )


_policy_source = None


def set_policy_source(load):
    """Name the function that returns the public facts of the editorial policy (a dict:
    ``publish_pending``, ``policy_text``, ``quorum``, ``re_review_months``,
    ``updated_at``). The workflow that owns the policy sits above this app and passes it in
    when it starts (``editorial.apps``); articles never imports it."""
    global _policy_source
    _policy_source = load


def editorial_policy():
    """What the public pages need of the editorial policy, as a dict, through the cache
    (``page_cache`` forgets it whenever the policy is saved)."""
    if _policy_source is None:
        raise ImproperlyConfigured("No editorial policy source: is the editorial app installed?")
    return page_cache.cached_value(page_cache.POLICY_KEY, _policy_source, scopes=(page_cache.SITE,))
