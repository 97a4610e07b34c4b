"""How fast the public search answers over 20,000 approved articles.

Builds (once, with bulk_create) a PostgreSQL database of its own, ``imprimatur_bench_search``
on the server of ``DATABASE_URL``: 20,000 approved articles whose bodies are 250 words drawn
from a fixed vocabulary, 20 of them mentioning "ferritin". Later runs reuse the data. Then,
for a rare word, a common word and a two-word query, it times the first page of results as
the home page fetches it (a page of 20 and the count) from the stored, GIN-indexed vectors
of migration articles 0005, against the same search as it was before that migration (each
revision's vector built from its text on every search), and renders ``/?q=…`` through
Django's test client. It prints medians and the ratio; nothing here asserts a timing.

Run: ``.venv/bin/python bench/bench_search.py`` (or ``make bench``).
"""

import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import use_own_database  # noqa: E402 - bench/common.py, beside this script

DATABASE = "imprimatur_bench_search"
ARTICLES = 20_000
RARE_EVERY = 1_000  # one article in a thousand mentions the rare word
WORDS_PER_BODY = 250
RUNS = 15
_WORDS = """
    anemia sleep fatigue iron vitamin deficiency dose symptom treatment patient trial
    guideline evidence risk pregnancy kidney liver blood pressure heart rhythm muscle
    cramp nerve pain migraine headache thyroid insulin glucose diet exercise infection
    antibiotic vaccine allergy asthma skin rash fever child adult elderly screening test
    result clinic referral follow monitor caution interaction medicine tablet
"""
VOCABULARY = _WORDS.split()


def _build():
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, ReviewStatus, Revision, Topic

    if Article.objects.published().count() >= ARTICLES:
        print("Reusing the existing data set.")
        return
    if Article.objects.exists():
        sys.exit(f"{DATABASE} holds a partial data set: drop the database and run again.")
    started = time.perf_counter()
    words = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        topics = Topic.objects.bulk_create(
            Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(20)
        )
        author = get_user_model().objects.create_user("bench-author", "author@example.org")
        articles = Article.objects.bulk_create(
            Article(slug=f"search-article-{n}", topic=topics[n % 20]) for n in range(ARTICLES)
        )
        revisions = Revision.objects.bulk_create(
            Revision(
                article=article,
                number=1,
                title=f"Question {n}: {' '.join(words.choices(VOCABULARY, k=6))}?",
                summary=" ".join(words.choices(VOCABULARY, k=30)),
                body=" ".join(words.choices(VOCABULARY, k=WORDS_PER_BODY))
                + (" Ferritin guides treatment." if n % RARE_EVERY == 0 else ""),
                created_by=author,
                locked_at=now,
                content_hash=f"{n:064d}",
            )
            for n, article in enumerate(articles)
        )
        for n, (article, revision) in enumerate(zip(articles, revisions, strict=True)):
            article.published_revision = revision
            article.review_status = ReviewStatus.APPROVED
            reviewed = now - datetime.timedelta(days=n % 700)
            article.first_published_at = article.last_reviewed_at = reviewed
        Article.objects.bulk_update(
            articles,
            ["published_revision", "review_status", "first_published_at", "last_reviewed_at"],
            batch_size=2_000,
        )
    print(f"Built {ARTICLES:,} approved articles in {time.perf_counter() - started:.1f} s.")


def _without_index(query):
    """The search as it was before migration articles 0005: each published revision's
    vector built from its text for every search."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    from articles.selectors import published_articles

    vector = (
        SearchVector("published_revision__title", weight="A", config="english")
        + SearchVector("published_revision__summary", weight="B", config="english")
        + SearchVector("published_revision__body", weight="C", config="english")
        + SearchVector("published_revision__patient_body", weight="D", config="english")
    )
    search = SearchQuery(query, search_type="websearch", config="english")
    return (
        published_articles()
        .annotate(search=vector, rank=SearchRank(vector, search))
        .filter(search=search)
        .order_by("-rank", "-last_reviewed_at", "slug")
    )


def _median_ms(make_queryset, query):
    from articles.views import PAGE_SIZE

    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        queryset = make_queryset(query)
        rows = list(queryset[:PAGE_SIZE])
        total = queryset.count()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(rows), total


def main():
    use_own_database(DATABASE)
    _build()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.selectors import search_published

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_revision; ANALYZE articles_article")
    print(f"{ARTICLES:,} approved articles, {WORDS_PER_BODY} words each; first page and count.")
    for query in ("ferritin", "anemia", "iron deficiency"):
        indexed, shown, total = _median_ms(lambda q: search_published(query=q), query)
        plain, _, plain_total = _median_ms(_without_index, query)
        assert total == plain_total, "both searches must find the same articles"
        print(
            f"  {query!r:18} {total:6,} found  index {indexed:7.1f} ms  "
            f"per-row vector {plain:7.1f} ms  ({plain / indexed:5.1f}x)"
        )
    client = Client()
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/", {"q": "ferritin"})
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(
        f"  GET /?q=ferritin: median {statistics.median(timings):.1f} ms, "
        f"{len(queries.captured_queries)} queries"
    )


if __name__ == "__main__":
    main()
