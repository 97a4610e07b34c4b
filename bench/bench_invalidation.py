"""Per-article invalidation, and concurrent workflow writes.

Builds (bulk_create; rebuilt each run) ``imprimatur_bench_invalidation`` on the server of
``DATABASE_URL``: 1,000 approved articles in 20 topics. Then:

1. **Hit ratio.** For ``BENCH_INVALIDATION_SECONDS`` (default 60) a writer thread approves
   a new revision of article A every second through the editorial services (submit, start
   review, approve), while two reader threads request the pages of 200 other articles (in
   other topics than A's, both audiences) as fast as they can. Prints the share of those
   requests served from the cache (target ≥ 99 %) and checks that A's page shows each new
   approval.
2. **Approvals per second** (the issue's row). Each of 8 writer processes first prepares,
   untimed and through the services, ``BENCH_APPROVALS_PER_WRITER`` (default 60)
   submissions under review, one on each of as many articles of its own (an article has
   at most one open submission): 8 × K articles, never shared between writers. Then, all
   together, each approves its queue with ``submission_approve`` (publish, signed review
   record, audit entry, the authors' e-mail), and only that is timed: from the moment all
   start to the last one done. Twice: with the e-mails delivered inside the writer
   (``CELERY_TASK_ALWAYS_EAGER``, as the tests run: the writer also does the worker's
   part) and with the delivery tasks published to the broker for a worker (as production
   runs; the outbox is drained untimed afterwards). Also with 1 writer, and the CPU time
   per approval of the writers (Python) and of their PostgreSQL backends.
3. **Full cycles per second**, for comparison with the earlier figure: 8 processes, each on
   its own article, run draft → edit → submit → start review → approve in a loop for
   ``BENCH_APPROVAL_SECONDS`` (default 20).

The audit chain is verified after each part. ``python bench/bench_invalidation.py
approvals`` runs part 2 only (``hit-ratio``, ``cycle``: the others).

Runs in-process on the test settings with Redis at ``REDIS_URL`` (keys under a prefix of
its own). Figures are printed, never asserted.
"""

import contextlib
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import (  # noqa: E402 - bench/common.py, beside this script
    backend_cpu_seconds,
    database_urls,
    quick,
    report,
)

DATABASE = os.environ.get("BENCH_INVALIDATION_DATABASE", "imprimatur_bench_invalidation")
ARTICLES = 1_000
TOPICS = 20
SECONDS = float(os.environ.get("BENCH_INVALIDATION_SECONDS", quick("60", "15")))
APPROVAL_SECONDS = float(os.environ.get("BENCH_APPROVAL_SECONDS", quick("20", "6")))
APPROVALS_PER_WRITER = int(os.environ.get("BENCH_APPROVALS_PER_WRITER", quick("60", "30")))
WRITERS = 8
# The articles the approval writers prepare submissions on: past those the hit ratio reads.
QUEUE_ARTICLES_FROM = 300


def recreate_database():
    import psycopg

    url, admin_url = database_urls(DATABASE)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        CELERY_TASK_ALWAYS_EAGER="true",
        LOG_LEVEL="ERROR",
    )
    import django
    from django.conf import settings

    django.setup()
    settings.CACHES["default"]["KEY_PREFIX"] = "bench-invalidation"
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    cache.clear()  # pages of an earlier run's database (same ids) must not be served


def build():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import Article, Revision, Topic
    from editorial.models import EditorialPolicy
    from reviewers.models import BoardMember

    user_model = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        EditorialPolicy.load()  # created on first use: a change of every page
        topics = Topic.objects.bulk_create(
            Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(TOPICS)
        )
        author = user_model.objects.create_user("bench-author", "author@example.org")
        chair = user_model.objects.create_user(
            "bench-chair", "chair@example.org", is_staff=True, first_name="Bench"
        )
        chair.groups.add(Group.objects.get(name="Board chair"))
        BoardMember.objects.create(user=chair, display_name="Dr. Bench", slug="dr-bench")
        articles = Article.objects.bulk_create(
            Article(slug=f"article-{n}", topic=topics[n % TOPICS]) for n in range(ARTICLES)
        )
        Article.authors.through.objects.bulk_create(
            Article.authors.through(article=article, user=author) for article in articles
        )
        Revision.objects.bulk_create(
            Revision(
                article=article,
                number=1,
                title=f"Benchmark question {n}?",
                summary="A short answer [1].",
                body="## Background\n\nSome **evidence** [1].\n\n## Safety\n\nSee a doctor.",
                created_by=author,
                locked_at=now,
                content_hash=f"{n:064d}",
            )
            for n, article in enumerate(articles)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE articles_article a SET published_revision_id = r.id,"
                " review_status = 'approved', last_reviewed_at = now(),"
                " first_published_at = now() FROM articles_revision r"
                " WHERE r.article_id = a.id"
            )
    return author, chair


def approve_new_revision(article, author, chair, number):
    from articles.services import revision_draft_for_edit, revision_update_draft
    from editorial import services

    draft = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(revision=draft, title=f"Approved {number} times?")
    submission = services.submission_submit(article=article, revision=draft, actor=author)
    services.submission_start_review(submission=submission, actor=chair)
    services.submission_approve(submission=submission, actor=chair, comment="Bench")


def hit_ratio(author, chair):
    from django.db import connections
    from django.test import Client

    from articles.models import Article

    article_a = Article.objects.get(slug="article-0")
    others = list(Article.objects.exclude(topic_id=article_a.topic_id).order_by("pk")[:200])
    client = Client()
    for article in others:  # warm the cache
        for audience in ("professional", "patient"):
            client.get(article.get_absolute_url(), {"audience": audience})
    stop = threading.Event()
    counts = {"hit": 0, "miss": 0}
    lock = threading.Lock()
    approvals = [0]

    def writer():
        try:
            while not stop.is_set():
                started = time.monotonic()
                approvals[0] += 1
                approve_new_revision(article_a, author, chair, approvals[0])
                stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))
        finally:
            connections.close_all()

    def reader(seed):
        rng = random.Random(seed)
        reader_client = Client()
        try:
            while not stop.is_set():
                article = rng.choice(others)
                audience = rng.choice(("professional", "patient"))
                response = reader_client.get(article.get_absolute_url(), {"audience": audience})
                with lock:
                    counts[response["X-Reader-Cache"]] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader, args=(seed,)) for seed in (1, 2)
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    total = counts["hit"] + counts["miss"]
    shown = client.get(article_a.get_absolute_url()).content.decode()
    fresh = f"Approved {approvals[0]} times?" in shown
    ratio = counts["hit"] / max(total, 1)
    report(
        "hit-ratio",
        f"cache hit ratio for other articles while article A is approved every second "
        f"({ARTICLES:,} articles, {SECONDS:.0f} s, {approvals[0]} approvals of A, "
        f"{total:,} reads)",
        f"{ratio:.2%}",
        "≥ 99 %",
        ratio >= 0.99 and fresh,
    )
    print(f"  article A shows its latest approval: {'yes' if fresh else 'NO'}")


def _cycle_for(article_id, author_id, chair_id, deadline, results):
    """One full-cycle writer: approve new revisions of one article until ``deadline``."""
    from django.contrib.auth import get_user_model

    from articles.models import Article

    users = get_user_model().objects
    article, author, chair = (
        Article.objects.get(pk=article_id),
        users.get(pk=author_id),
        users.get(pk=chair_id),
    )
    done, error = 0, ""
    try:
        while time.monotonic() < deadline:
            approve_new_revision(article, author, chair, done)
            done += 1
    except Exception as failure:  # noqa: BLE001 - reported by the parent
        error = repr(failure)
    results.put((done, error))


def _chain_figure():
    from editorial.audit import verify_chain

    checked, broken = verify_chain()
    intact = broken is None and checked > 0
    return intact, f"chain of {checked:,} entries {'intact' if intact else broken}"


def full_cycles_per_second(author, chair, writers=WRITERS):
    """The earlier figure: each writer runs the whole cycle in a loop. Writers are
    processes (threads would share one interpreter lock), forked after this process
    closed its database connections."""
    import multiprocessing

    from django.db import connections

    from articles.models import Article

    article_ids = list(
        Article.objects.order_by("pk").values_list("pk", flat=True)[100 : 100 + writers]
    )
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    started = time.monotonic()
    deadline = started + APPROVAL_SECONDS
    processes = [
        context.Process(target=_cycle_for, args=(pk, author.pk, chair.pk, deadline, results))
        for pk in article_ids
    ]
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.monotonic() - started
    cycles = sum(done for done, _ in outcomes)
    errors = [error for _, error in outcomes if error]
    intact, chain = _chain_figure()
    report(
        "cycles" if writers == WRITERS else "cycles-1",
        f"full cycles/s (draft, edit, submit, start review, approve: 3 audit entries), "
        f"{writers} writer process(es) on {writers} article(s) — for comparison",
        f"{cycles / elapsed:.1f}/s, {chain}" + (f"; errors: {errors[:3]}" if errors else ""),
        "—",
        None,
    )


def _prepare_queue(article_ids, author, chair):
    """Untimed: one submission under review on each article, through the services."""
    from articles.models import Article
    from articles.services import revision_draft_for_edit, revision_update_draft
    from editorial import services

    queue = []
    for article in Article.objects.filter(pk__in=article_ids).order_by("pk"):
        draft = revision_draft_for_edit(article=article, actor=author)
        revision_update_draft(revision=draft, title=f"To approve {draft.number}?")
        submission = services.submission_submit(article=article, revision=draft, actor=author)
        services.submission_start_review(submission=submission, actor=chair)
        queue.append(submission)
    return queue


def _approve_queue(article_ids, author_id, chair_id, deliver_in_writer, barrier, results):
    """One approval writer: prepare its queue, wait for the others, approve it (timed)."""
    from celery import current_app
    from django.contrib.auth import get_user_model
    from django.db import connections

    from editorial import services

    current_app.conf.task_always_eager = deliver_in_writer
    users = get_user_model().objects
    done, error, cpu, backend_cpu = 0, "", 0.0, None
    try:
        author, chair = users.get(pk=author_id), users.get(pk=chair_id)
        queue = _prepare_queue(article_ids, author, chair)
        chair = users.select_related("board_member").get(pk=chair_id)  # as a request has it
        backend_before = backend_cpu_seconds()
        barrier.wait()
        cpu_before = time.process_time()
        for submission in queue:
            services.submission_approve(submission=submission, actor=chair, comment="Bench")
            done += 1
        cpu = time.process_time() - cpu_before
        backend_after = backend_cpu_seconds()
        if backend_before is not None and backend_after is not None:
            backend_cpu = backend_after - backend_before
    except Exception as failure:  # noqa: BLE001 - reported by the parent
        error = repr(failure)
        barrier.abort()
    finally:
        connections.close_all()
    results.put((done, time.monotonic(), cpu, backend_cpu, error))


def _deliver_outbox():
    """Send what the writers left to a worker (untimed), and drop their queued tasks."""
    from celery import current_app

    from editorial.models import Notification
    from editorial.notifications.delivery import notification_send

    current_app.control.purge()
    for pk in Notification.objects.unsent().values_list("pk", flat=True):
        notification_send(pk)


def approvals_per_second(author, chair, *, writers=WRITERS, deliver_in_writer=True):
    """Approvals only: each writer approves a queue of submissions prepared before the
    clock starts. Writers are processes, forked after this process closed its database
    connections."""
    import multiprocessing

    from django.db import connections

    from articles.models import Article

    per_writer = APPROVALS_PER_WRITER
    article_ids = list(
        Article.objects.order_by("pk").values_list("pk", flat=True)[
            QUEUE_ARTICLES_FROM : QUEUE_ARTICLES_FROM + writers * per_writer
        ]
    )
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    barrier = context.Barrier(writers + 1)
    processes = [
        context.Process(
            target=_approve_queue,
            args=(
                article_ids[n * per_writer : (n + 1) * per_writer],
                author.pk,
                chair.pk,
                deliver_in_writer,
                barrier,
                results,
            ),
        )
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a writer failed: reported below
        barrier.wait()
    started = time.monotonic()
    outcomes = [results.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(finished for _, finished, *_ in outcomes) - started
    approvals = sum(done for done, *_ in outcomes)
    errors = [error for *_, error in outcomes if error]
    if not deliver_in_writer:
        _deliver_outbox()
    intact, chain = _chain_figure()
    rate = approvals / elapsed if elapsed > 0 else 0.0
    python_ms = 1000 * sum(cpu for _, _, cpu, _, _ in outcomes) / max(approvals, 1)
    backend = [backend for *_, backend, _ in outcomes]
    postgres_ms = (
        f"{1000 * sum(backend) / max(approvals, 1):.1f} ms"
        if None not in backend
        else "not measured"
    )
    delivery = (
        "e-mails delivered in the writer (eager)"
        if deliver_in_writer
        else "e-mails queued for a worker (broker)"
    )
    row = "approvals" if writers == WRITERS else f"approvals-{writers}"
    report(
        row if deliver_in_writer else f"{row}-broker",
        f"approvals/s (submission_approve only), {writers} writer process(es), each "
        f"approving {per_writer} prepared submissions on {per_writer} articles of its own "
        f"({writers * per_writer} articles), {delivery}",
        f"{rate:.1f}/s; CPU per approval: writer {python_ms:.1f} ms, PostgreSQL "
        f"{postgres_ms}; {chain}" + (f"; errors: {errors[:3]}" if errors else ""),
        "≥ 200/s, chain intact",
        rate >= 200 and intact and not errors,
    )


PARTS = ("hit-ratio", "approvals", "cycle")


def main(argv):
    parts = set(argv) or set(PARTS)
    if parts - set(PARTS):
        sys.exit(f"Parts: {', '.join(PARTS)}")
    recreate_database()
    author, chair = build()
    print(f"Built {ARTICLES:,} approved articles in {TOPICS} topics in {DATABASE}.")
    if "hit-ratio" in parts:
        hit_ratio(author, chair)
    if "approvals" in parts:
        approvals_per_second(author, chair, writers=1)  # is the chain's lock the limit?
        approvals_per_second(author, chair)
        approvals_per_second(author, chair, writers=1, deliver_in_writer=False)
        approvals_per_second(author, chair, deliver_in_writer=False)
    if "cycle" in parts:
        full_cycles_per_second(author, chair, writers=1)
        full_cycles_per_second(author, chair)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
