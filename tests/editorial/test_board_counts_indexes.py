"""The board view's figures at scale (issue 12): the statement that counts them over every
open submission can read the open submissions' ids and the escalated open reviews from
partial indexes alone (``submission_reviewable_idx``, ``assignment_escalated_open_idx``).
An index whose condition does not match the statement's is never used: the plan says."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from editorial.board import board_counts_statement

pytestmark = pytest.mark.django_db


def test_the_figures_can_be_counted_from_the_partial_indexes(accepted):
    sql, params = board_counts_statement(quorum=2, today=timezone.localdate())
    with transaction.atomic(), connection.cursor() as cursor:
        # A test database is too small for the planner to prefer an index on its own.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using submission_reviewable_idx" in plan
    assert "Index Only Scan using assignment_escalated_open_idx" in plan
