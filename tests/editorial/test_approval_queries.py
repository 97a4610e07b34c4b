"""What an approval costs the database, and what it does while it holds the audit chain's
lock (one for the whole site: every workflow write waits for it). Everything that does not
need the approval's audit entry is done before the lock; under it, only the entry, the
submission's entries the signed record lists, and the signed record itself."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import page_cache
from articles.models import PageChange, ReviewRecord
from editorial import services
from editorial.audit import verify_chain
from editorial.models import AuditEntry, Notification, SignedReviewRecord, SubmissionState
from tests.editorial.test_races import fresh_under_review

pytestmark = pytest.mark.django_db

# A chair's approval of a submission under review with one reference and no assignment,
# by a user object as a request has it (its board membership and permissions not yet
# read): the board membership; the savepoint (the test's transaction); the submission
# with its article (both locked), topic and revision; the chair's permissions (two); the
# references (content hash); the policy; the submission's and the article's updates; the
# review record; the page changes; the signing key; the decisions; the reserved entry id;
# the authors; their notification and the check that it is unsent; the open assignments;
# the webhook endpoints; then, under the lock, the lock itself, the last entry, the
# approval's entry, the submission's entries and the signed record; the release. It was
# 31.
APPROVAL_QUERIES = 25
UNDER_THE_LOCK = (
    'SELECT "editorial_auditentry"."id", "editorial_auditentry"."sequence"',
    'INSERT INTO "editorial_auditentry"',
    'SELECT "editorial_auditentry"."sequence"',
    'INSERT INTO "editorial_signedreviewrecord"',
)


def as_a_request_has_it(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def under_review(author, chair):
    """A submission under review, after a first approval on the site (which creates the
    policy's row and registers the signing key: once per site, not per approval)."""
    services.submission_approve(submission=fresh_under_review(author, chair), actor=chair)
    return fresh_under_review(author, chair)


def test_an_approval_runs_a_fixed_number_of_queries(under_review, chair, django_assert_num_queries):
    submission = under_review
    actor = as_a_request_has_it(chair)
    with django_assert_num_queries(APPROVAL_QUERIES):
        services.submission_approve(submission=submission, actor=actor, comment="Sound.")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert ReviewRecord.objects.filter(article_id=submission.article_id).count() == 1
    assert SignedReviewRecord.objects.filter(article_id=submission.article_id).count() == 1


def test_under_the_chain_lock_an_approval_writes_only_its_entry_and_signed_record(
    under_review, chair
):
    submission = under_review
    actor = as_a_request_has_it(chair)
    with CaptureQueriesContext(connection) as captured:
        services.submission_approve(submission=submission, actor=actor)
    queries = [query["sql"] for query in captured.captured_queries]
    lock = next(index for index, sql in enumerate(queries) if "pg_advisory_xact_lock" in sql)
    after = [sql for sql in queries[lock + 1 :] if not sql.startswith("RELEASE SAVEPOINT")]
    assert len(after) == len(UNDER_THE_LOCK)
    for sql, start in zip(after, UNDER_THE_LOCK, strict=True):
        assert sql.startswith(start)
    assert verify_chain()[1] is None


def test_the_authors_notification_is_written_before_the_lock_and_names_the_entry(
    under_review, author, chair, django_capture_on_commit_callbacks
):
    submission = under_review
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as captured,
    ):
        services.submission_approve(
            submission=submission, actor=as_a_request_has_it(chair), comment="Sound."
        )
    queries = [query["sql"] for query in captured.captured_queries]
    lock = next(index for index, sql in enumerate(queries) if "pg_advisory_xact_lock" in sql)
    insert = next(
        i for i, sql in enumerate(queries) if 'INSERT INTO "editorial_notification"' in sql
    )
    assert insert < lock
    entry = AuditEntry.objects.get(action="submission.approve", target_id=submission.pk)
    notification = Notification.objects.get(
        submission=submission, recipient=author, subject__startswith="Approved"
    )
    assert notification.dedupe_key == f"event:{entry.pk}:user:{author.pk}"
    assert "Sound." in notification.body_text
    assert notification.sent_at is not None
    assert [message.to for message in mail.outbox] == [[author.email]]


def test_an_approval_records_its_page_changes_once(under_review, chair):
    submission = under_review
    article = submission.article
    with CaptureQueriesContext(connection) as captured:
        services.submission_approve(submission=submission, actor=chair)
    inserts = [
        query["sql"]
        for query in captured.captured_queries
        if 'INSERT INTO "articles_pagechange"' in query["sql"]
    ]
    assert len(inserts) == 1
    scopes = set(PageChange.objects.order_by("-pk").values_list("scope", flat=True)[:2])
    assert scopes == {
        page_cache.article_scope(article.pk),
        page_cache.topic_scope(article.topic_id),
    }
