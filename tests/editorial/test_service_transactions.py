"""Top-level services own their transaction: one wrapped in a caller's transaction by
mistake fails loudly, before writing anything, instead of leaving its side effects to
whatever the caller does next. ``services.batch()`` is the one explicit way to run
several in one transaction."""

import pytest
from django.db import transaction

from editorial import services
from editorial.models import AuditEntry, Submission, SubmissionState

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_service_refuses_to_run_inside_another_transaction(submitted, author):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.submission_withdraw(submission=submitted, actor=author)

    assert Submission.objects.get().state == SubmissionState.SUBMITTED
    assert AuditEntry.objects.count() == 1


def test_a_batch_runs_several_services_in_one_transaction(draft, author, chair):
    with services.batch():
        submission = services.submission_submit(article=draft.article, revision=draft, actor=author)
        services.submission_withdraw(submission=submission, actor=author)

    assert Submission.objects.get().state == SubmissionState.WITHDRAWN
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == [
        "submission.submit",
        "submission.withdraw",
    ]


def test_a_failing_batch_leaves_nothing_behind(draft, author):
    with pytest.raises(ZeroDivisionError), services.batch():
        services.submission_submit(article=draft.article, revision=draft, actor=author)
        1 / 0  # noqa: B018 - fails after the first service

    assert not Submission.objects.exists()
    assert not AuditEntry.objects.exists()
