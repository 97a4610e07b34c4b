"""The board view at scale (issue 12): the statement that counts its figures over every
open submission can read the open submissions' ids and the escalated open reviews from
partial indexes alone (``submission_reviewable_idx``, ``assignment_escalated_open_idx``),
and a page of cards is chosen from the first of them in date order, without sorting. An
index whose condition or columns do not match the statement's is never used: the plan
says."""

import re

import pytest
from django.db import connection, transaction
from django.utils import timezone

from editorial.board import BoardFilter, board_counts_statement, board_submissions

pytestmark = pytest.mark.django_db


def plan(sql, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        # A test database is too small for the planner to prefer an index on its own.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_figures_can_be_counted_from_the_partial_indexes(accepted):
    plan_text = plan(*board_counts_statement(quorum=2, today=timezone.localdate()))
    assert "Index Only Scan using submission_reviewable_idx" in plan_text
    # The escalated open reviews: from their own index, or (the test database is small,
    # and the costs come out close) from the insights' index of every open assignment,
    # which covers escalated_at too. Never from the table.
    assert re.search(
        r"Index Only Scan using (assignment_escalated_open_idx|assignment_open_figures_idx)",
        plan_text,
    ), plan_text
    assert "Scan on editorial_assignment" not in plan_text.replace("Index Only Scan", "")


def test_a_deep_page_skips_index_entries_instead_of_sorting_every_open_submission(accepted):
    """Page 500 of 20,000 open submissions sorted them all (20 ms); in the index's order
    it reads 10,000 entries (2 ms)."""
    ids = (
        board_submissions(BoardFilter.ALL, quorum=2, today=timezone.localdate())
        .order_by("submitted_at", "pk")
        .values("pk")[9980:10000]
    )
    sql, params = ids.query.sql_with_params()
    plan_text = plan(sql, params)
    assert "Index Only Scan using submission_reviewable_idx" in plan_text
    assert "Sort" not in plan_text
