"""Issue 3, "done when": with the seed_demo data, the chair assigns two reviewers by
suggestion, both approve in the admin, the article becomes approved, and its audit trail
shows every step. Driven through the admin pages with Django's test client, CSRF on."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, ReviewStatus
from demo.content import load_demo
from editorial.models import Assignment, AuditEntry, SubmissionState

pytestmark = pytest.mark.django_db

CELIAC = "celiac-disease-iron-b12-testing"  # submitted in the demo, with no reviewers yet


def signed_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client, url, data=None):
    """POST as the browser would: with the CSRF token of the page just read."""
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def test_the_chair_assigns_two_by_suggestion_both_approve_and_the_article_is_approved(
    seeded_demo,
):
    article = Article.objects.get(slug=CELIAC)
    submission = article.submissions.get(state=SubmissionState.SUBMITTED)
    chair = signed_in(get_user_model().objects.get(username="chair"))

    # The chair opens the board view: the article needs two reviewers, with suggestions.
    board = chair.get(reverse("admin:editorial_board"))
    assert board.status_code == 200
    item = next(i for i in board.context["items"] if i.submission.pk == submission.pk)
    assert item.needed == 2
    chosen = [suggestion.member for suggestion in item.suggestions[:2]]
    # The gastroenterologist first, then the least loaded of the others (not the chair).
    assert [member.user.username for member in chosen] == ["reviewer3", "reviewer1"]
    assign_url = reverse("admin:editorial_submission_assign", args=[submission.pk])
    assert assign_url in board.text
    for member in chosen:
        response = post(chair, assign_url, {"reviewer": member.pk})
        assert response.status_code == 302
    board = chair.get(reverse("admin:editorial_board"))
    item = next(i for i in board.context["items"] if i.submission.pk == submission.pk)
    assert item.needed == 0

    # Each reviewer lands on their queue, accepts in one click, reads and approves.
    for member in chosen:
        reviewer = signed_in(member.user)
        landing = reviewer.get(reverse("admin:index"))
        queue = reviewer.get(landing.url)
        assignment = Assignment.objects.get(submission=submission, reviewer=member)
        accept_url = reverse("admin:editorial_assignment_accept", args=[assignment.pk])
        assert accept_url in queue.text
        assert post(reviewer, accept_url).status_code == 302
        review_url = reverse("admin:editorial_assignment_review", args=[assignment.pk])
        screen = reviewer.get(review_url)
        assert submission.revision.title in screen.text
        response = post(
            reviewer,
            review_url,
            {
                "outcome": "approve",
                "comment": "",
                "confirmed_no_conflict": "on",
                "password": load_demo().password,
                "revision": submission.revision_id,
            },
        )
        assert response.status_code == 302, response.content[:300]

    article.refresh_from_db()
    assert article.published_revision_id == submission.revision_id
    assert article.review_status == ReviewStatus.APPROVED
    assert [r["slug"] for r in article.reviewed_by] == [m.slug for m in chosen]

    # The audit trail on the article's admin page, newest first, shows every step.
    page = chair.get(reverse("admin:articles_article_change", args=[article.pk]))
    steps = list(
        AuditEntry.objects.filter(article=article)
        .order_by("-sequence")
        .values_list("action", flat=True)
    )
    assert steps == [
        "submission.approve",
        "decision.approve",
        "assignment.accept",
        "decision.approve",
        "submission.start_review",
        "assignment.accept",
        "assignment.invite",
        "assignment.invite",
        "submission.submit",
    ]
    trail = page.text[page.text.index("Audit trail (newest first)") :]
    sequences = AuditEntry.objects.filter(article=article).order_by("-sequence")
    positions = [
        trail.index(f'id="audit-{s}"') for s in sequences.values_list("sequence", flat=True)
    ]
    assert positions == sorted(positions)
    assert "The board approved revision 1 and it was published" in trail
    call_command("verify_audit")
