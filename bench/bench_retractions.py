"""Import 100,000 Retraction Watch rows, then check one article's references.

Uses a PostgreSQL database of its own, ``imprimatur_bench_retractions`` on the server of
``DATABASE_URL``, emptied of retracted works first. Writes a 100,000-row CSV with the real
Retraction Watch columns to a temporary file, times ``manage.py import_retractions`` on it
(target: under 30 s), times it again (the idempotent re-import), and counts the SQL queries
of the per-article check (``retracted_citations``) for 1, 10 and 100 references: it must
not grow with them. Nothing is asserted.

Run: ``.venv/bin/python bench/bench_retractions.py`` (or ``make bench``).
"""

import csv
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import use_own_database  # noqa: E402 - bench/common.py, beside this script

DATABASE = "imprimatur_bench_retractions"
ROWS = 100_000


def _write_csv(path):
    from articles.retraction_import import SNAPSHOT_COLUMNS

    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(SNAPSHOT_COLUMNS)
        for n in range(1, ROWS + 1):
            writer.writerow([
                n, f"Retracted study number {n} on a common clinical question",
                "(HSC) Medicine - General;", "Example University Hospital", "Journal of Examples",
                "Example Press", "Nowhere", "A. Author;B. Author;C. Author", "",
                "Research Article;",
                f"{n % 12 + 1}/{n % 28 + 1}/20{10 + n % 15} 0:00", f"10.9999/ret.{n}",
                str(40_000_000 + n), "1/2/2009 0:00",
                f"https://doi.org/10.5555/BENCH.{n}" if n % 3 else "", str(30_000_000 + n),
                "Retraction", "+Concerns/Issues About Data;", "No", "",
            ])  # fmt: skip


def _import(path):
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_retractions", path, "--no-progress", stdout=out)
    return time.perf_counter() - started, out.getvalue().strip()


def _check_queries():
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Reference, Revision, Topic
    from articles.retractions import retracted_citations

    topic, _ = Topic.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    author, _ = get_user_model().objects.get_or_create(username="bench-author")
    for size in (1, 10, 100):
        article, _ = Article.objects.get_or_create(slug=f"bench-refs-{size}", topic=topic)
        revision, created = Revision.objects.get_or_create(
            article=article, number=1,
            defaults={"title": "Q?", "summary": "S", "body": "B", "created_by": author},
        )  # fmt: skip
        if created:
            Reference.objects.bulk_create(
                Reference(revision=revision, position=n, kind="research", title=f"Study {n}",
                          source="J", year=2020, doi=f"10.5555/bench.{n}", pmid=str(30_000_000 + n))
                for n in range(1, size + 1)
            )  # fmt: skip
        references = list(revision.references.all())
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            found = retracted_citations(references)
            elapsed = time.perf_counter() - started
        print(f"Check of {size:>3} references: {len(queries)} SQL quer"
              f"{'y' if len(queries) == 1 else 'ies'}, {len(found)} retracted, "
              f"{elapsed * 1000:.1f} ms")  # fmt: skip


def main():
    use_own_database(DATABASE)
    from articles.models import RetractedWork

    RetractedWork.objects.all().delete()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "retraction_watch.csv")
        _write_csv(path)
        size = Path(path).stat().st_size / 1e6
        first, summary = _import(path)
        print(f"First import of {ROWS:,} rows ({size:.1f} MB): {first:.1f} s (target: under 30 s)")
        print(f"  {summary}")
        again, summary = _import(path)
        print(f"Re-import of the same snapshot: {again:.1f} s")
        print(f"  {summary}")
    print(f"Rows per second (first import): {ROWS / first:,.0f}")
    _check_queries()


if __name__ == "__main__":
    main()
