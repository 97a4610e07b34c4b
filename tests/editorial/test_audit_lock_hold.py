"""The audit chain's lock (one for the whole site, held from the first audit entry of a
transaction to its commit) is taken as late as it can be: an approval publishes the
article, writes its review record and the authors' notifications first, and takes the
lock only for its audit entries and the signed record that needs the approval entry's
hash (tests/editorial/test_approval_queries.py counts what runs under it).
Concurrent approvals still never fork the chain (tests/editorial/test_races.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial import services
from editorial.audit import verify_chain
from tests.editorial.test_races import fresh_under_review

pytestmark = pytest.mark.django_db(transaction=True)


def first(queries, needle):
    return next(index for index, sql in enumerate(queries) if needle in sql)


def test_an_approval_publishes_before_it_takes_the_audit_lock(author, chair):
    submission = fresh_under_review(author, chair)
    with CaptureQueriesContext(connection) as captured:
        services.submission_approve(submission=submission, actor=chair)
    queries = [query["sql"] for query in captured.captured_queries]
    lock = first(queries, "pg_advisory_xact_lock")
    assert first(queries, 'INSERT INTO "articles_reviewrecord"') < lock
    assert first(queries, 'UPDATE "articles_article"') < lock
    # What needs the chain comes after: the approval's entry, then its signed record.
    assert lock < first(queries, 'INSERT INTO "editorial_auditentry"')
    assert lock < first(queries, 'INSERT INTO "editorial_signedreviewrecord"')
    assert verify_chain()[1] is None
