"""PostgreSQL faults (issue 13): the app talks to PostgreSQL through a TCP fault proxy
(tests/faultproxy.py) while a chair approves a submission in a process of its own, as a web
worker would. Whatever the connection does — refused, slowed, cut mid-transaction, or
hanging until the worker is killed — the approval either committed whole or left nothing:
the submission's state, the article's public facts, the audit chain and the outbox agree,
and a retry once the database answers again approves it exactly once."""

import subprocess
import sys
import time

import pytest
from django.db import connection

from articles.models import Article, ReviewStatus
from editorial.audit import verify_chain
from editorial.models import AuditEntry, Notification, Submission, SubmissionState
from tests.faultproxy import FaultProxy
from tests.realservices import ROOT, manage_env

pytestmark = pytest.mark.django_db(transaction=True)

APPROVE = """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from editorial import services
from editorial.models import Submission
chair = get_user_model().objects.get(pk={chair})
submission = Submission.objects.get(pk={submission})
connection.ensure_connection()
print("ready", flush=True)
sys.stdin.readline()
services.submission_approve(submission=submission, actor=chair)
print("approved", flush=True)
"""


@pytest.fixture
def db_proxy():
    proxy = FaultProxy(int(connection.settings_dict["PORT"] or 5432))
    yield proxy
    proxy.close()


def start_approval(proxy, submission, chair):
    """A process that connects through the proxy, then approves when told to."""
    env = manage_env(DATABASE_URL=proxy.url("postgres", f"/{connection.settings_dict['NAME']}"))
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("postgres://", "postgres://postgres@")
    child = subprocess.Popen(
        [sys.executable, "-c", APPROVE.format(chair=chair.pk, submission=submission.pk)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    return child


def go(child):
    child.stdin.write("go\n")
    child.stdin.flush()


def assert_consistent(submission, *, approved):
    """Either the whole approval is there, or none of it."""
    state = Submission.objects.get(pk=submission.pk).state
    article = Article.objects.get(pk=submission.article_id)
    approvals = AuditEntry.objects.filter(action="submission.approve")
    emails = Notification.objects.filter(submission=submission, subject__startswith="Approved")
    if approved:
        assert state == SubmissionState.APPROVED
        assert article.review_status == ReviewStatus.APPROVED
        assert article.published_revision_id == submission.revision_id
        assert approvals.count() == 1
        authors = article.authors.exclude(email="").count()
        assert emails.count() == authors, "one email per author: none lost, none doubled"
    else:
        assert state == SubmissionState.UNDER_REVIEW
        assert article.review_status == ReviewStatus.UNDER_REVIEW
        assert article.published_revision_id is None
        assert not approvals.exists()
        assert not emails.exists()
    assert verify_chain()[1] is None


def retry_succeeds(proxy, submission, chair):
    proxy.set("pass")
    child = start_approval(proxy, submission, chair)
    go(child)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.strip() == "approved"
    assert_consistent(submission, approved=True)


def test_a_slow_database_still_approves_whole(db_proxy, under_review, chair):
    child = start_approval(db_proxy, under_review, chair)
    db_proxy.set("latency", latency=0.02)
    go(child)
    out, err = child.communicate(timeout=60)

    assert child.returncode == 0, err
    assert_consistent(under_review, approved=True)


def test_a_connection_cut_mid_transaction_leaves_nothing_and_a_retry_approves_once(
    db_proxy, under_review, chair
):
    child = start_approval(db_proxy, under_review, chair)
    db_proxy.set("cut", cut_after=1500)  # a few statements in, long before COMMIT
    go(child)
    _, err = child.communicate(timeout=60)

    assert child.returncode != 0
    assert "OperationalError" in err or "InterfaceError" in err, err
    assert_consistent(under_review, approved=False)
    retry_succeeds(db_proxy, under_review, chair)


def test_a_database_that_stops_answering_mid_transaction_holds_nothing_once_the_worker_dies(
    db_proxy, under_review, chair
):
    child = start_approval(db_proxy, under_review, chair)
    db_proxy.set("latency", latency=0.15)  # slow enough to be mid-transaction below
    go(child)
    time.sleep(1.0)
    db_proxy.set("blackhole")
    time.sleep(1.0)
    assert child.poll() is None, "the worker hangs, as on a black-holed database"

    child.kill()  # what gunicorn does to a worker past its timeout
    child.wait(timeout=10)
    db_proxy.set("refuse")  # the dead worker's connections reset: PostgreSQL rolls back

    assert_consistent(under_review, approved=False)
    retry_succeeds(db_proxy, under_review, chair)


def test_a_refused_connection_changes_nothing(db_proxy, under_review, chair):
    child = start_approval(db_proxy, under_review, chair)
    db_proxy.set("refuse")
    go(child)
    _, err = child.communicate(timeout=60)

    assert child.returncode != 0
    assert_consistent(under_review, approved=False)
    retry_succeeds(db_proxy, under_review, chair)
