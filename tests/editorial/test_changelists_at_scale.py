"""Staff changelists at scale (issue 12): the audit log, the outbox, submissions,
articles and assignments (the reviewer's queue, the chair's lists) run the same number of
queries for 5 rows as for 50, and past ESTIMATE_ABOVE rows none of them counts the table
(the planner's estimate pages instead)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.actions import AuditAction
from editorial.admin import _common
from editorial.audit import audit_record
from editorial.models import Notification
from tests.factories import ArticleFactory, AssignmentFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "editorial_auditentry",
    "editorial_notification",
    "editorial_submission",
    "articles_article",
    "editorial_assignment",
]


def make_rows(count):
    for number in range(count):
        submission = SubmissionFactory(article=ArticleFactory(slug=f"scale-{count}-{number}"))
        AssignmentFactory(submission=submission)
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.SUBMISSION_SUBMIT,
                target=submission,
                article=submission.article,
            )
        Notification.objects.create(
            kind=Notification._meta.get_field("kind").choices[0][0],
            to_email=f"reader{number}@example.org",
            subject=f"Notification {number}",
            body_text="Text",
            body_html="<p>Text</p>",
            dedupe_key=f"scale-{count}-{number}",
            article=submission.article,
            submission=submission,
        )


def queries_of(client, name):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    return len(context), [query["sql"] for query in context.captured_queries]


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_a_changelist_runs_as_many_queries_for_50_rows_as_for_5(superuser_client, name):
    make_rows(5)
    few, _ = queries_of(superuser_client, name)
    make_rows(45)
    many, _ = queries_of(superuser_client, name)
    assert few == many


@pytest.mark.parametrize("name", CHANGELISTS)
def test_a_large_changelist_pages_by_the_planner_estimate_not_a_count(
    superuser_client, name, monkeypatch
):
    make_rows(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    monkeypatch.setattr(_common, "ESTIMATE_ABOVE", 10)
    _, queries = queries_of(superuser_client, name)
    assert not [sql for sql in queries if "COUNT(" in sql.upper()], "the table was counted"
    assert any(sql.startswith("EXPLAIN") for sql in queries)


@pytest.mark.parametrize("name", ["editorial_auditentry", "editorial_notification"])
def test_the_audit_and_outbox_filters_ask_the_table_for_nothing(superuser_client, name):
    """No date hierarchy and no filter built from the table's distinct values: each would
    scan a million rows on every page."""
    make_rows(3)
    _, queries = queries_of(superuser_client, name)
    assert not [sql for sql in queries if "DISTINCT" in sql.upper() or "MIN(" in sql.upper()]


def test_the_audit_log_filters_by_target(superuser_client):
    make_rows(2)
    response = superuser_client.get(
        reverse("admin:editorial_auditentry_changelist"), {"target_type": "editorial.submission"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def _page_rows(client, name, page):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(f"admin:{name}_changelist"), {"p": page})
    assert response.status_code == 200
    return [row.pk for row in response.context["cl"].result_list], context.captured_queries


@pytest.mark.parametrize("name", CHANGELISTS)
def test_a_deep_page_skips_rows_by_id_then_reads_its_own_rows(superuser_client, name, monkeypatch):
    """Past LATE_LOOKUP_FROM rows skipped, the OFFSET runs on the ids alone (no joined
    table per skipped row), and the page shows the same rows in the same order."""
    from django.contrib import admin

    make_rows(9)
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.db_table == name)
    monkeypatch.setattr(model_admin, "list_per_page", 2)
    monkeypatch.setattr(_common, "LATE_LOOKUP_FROM", 10_000)
    shallow_way, _ = _page_rows(superuser_client, name, 3)
    monkeypatch.setattr(_common, "LATE_LOOKUP_FROM", 2)
    deep_way, queries = _page_rows(superuser_client, name, 3)
    assert deep_way == shallow_way and len(deep_way) == 2
    offset = [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]
    assert len(offset) == 1
    select = offset[0].upper().split(" FROM ")[0]
    assert select.count(",") == 0, f"the skipped rows were read whole: {offset[0][:200]}"
