"""Issue 4: when the chair finds a reader's error report valid, the live revision goes back
to the board as a re-review. ``services.feedback_mark_valid`` marks the report and opens the
re-review in one transaction; the admin offers it as a button and as a list action."""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Feedback, FeedbackKind, FeedbackStatus
from articles.services import revision_draft_for_edit
from editorial import services
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import (
    AuditEntry,
    Notification,
    NotificationKind,
    Submission,
    SubmissionKind,
    SubmissionState,
)
from tests.factories import ArticleFactory, ReviewerUserFactory

pytestmark = pytest.mark.django_db

REPORT = "The ferritin threshold in the third section is out of date."


def file_feedback(article, *, kind=FeedbackKind.ERROR, status=FeedbackStatus.NEW, message=REPORT):
    return Feedback.objects.create(
        article=article,
        revision=article.published_revision,
        kind=kind,
        status=status,
        message=message,
    )


@pytest.fixture
def published(approved):
    approved.article.refresh_from_db()
    return approved.article


@pytest.fixture
def report(published):
    return file_feedback(published)


def change_url(feedback):
    return reverse("admin:articles_feedback_change", args=[feedback.pk])


def mark_valid_url(feedback):
    return reverse("admin:articles_feedback_mark_valid", args=[feedback.pk])


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_valid_error_report_opens_a_re_review_of_the_live_revision(
    report, published, chair, django_capture_on_commit_callbacks
):
    before = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=False):
        triage = services.feedback_mark_valid(
            feedback=report, actor=chair, reason="The 2024 guideline changed the threshold."
        )

    report.refresh_from_db()
    assert report.status == FeedbackStatus.VALID
    assert triage.opened is True
    submission = triage.submission
    assert submission.kind == SubmissionKind.RE_REVIEW
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.revision_id == published.published_revision_id
    assert submission.author_note == "The 2024 guideline changed the threshold."
    entries = list(AuditEntry.objects.order_by("sequence")[before:])
    assert [entry.action for entry in entries] == [
        "feedback.mark_valid",
        "submission.open_re_review",
    ]
    assert entries[0].target_type == "articles.feedback"
    assert entries[0].target_id == report.pk
    assert (entries[0].from_state, entries[0].to_state) == ("new", "valid")
    assert entries[0].data["feedback"] == report.pk
    assert Notification.objects.filter(
        kind=NotificationKind.RE_REVIEW, submission=submission, to_email=chair.email
    ).exists()


def test_without_a_reason_the_report_itself_is_the_re_reviews_note(report, chair):
    triage = services.feedback_mark_valid(feedback=report, actor=chair)

    assert REPORT in triage.submission.author_note
    assert f"#{report.pk}" in triage.submission.author_note


def test_an_article_already_in_review_keeps_its_review_and_the_report_is_marked_valid(
    report, published, author, chair
):
    revision = revision_draft_for_edit(article=published, actor=author)
    in_review = services.submission_submit(article=published, revision=revision, actor=author)
    before = AuditEntry.objects.count()

    triage = services.feedback_mark_valid(feedback=report, actor=chair, reason="Valid.")

    report.refresh_from_db()
    assert report.status == FeedbackStatus.VALID
    assert triage.opened is False
    assert triage.submission.pk == in_review.pk
    assert Submission.objects.filter(article=published).open().count() == 1
    entry = AuditEntry.objects.get(sequence__gt=before)
    assert entry.action == "feedback.mark_valid"
    assert entry.data["already_in_review"] == in_review.pk


@pytest.mark.parametrize(
    ("kind", "status", "error", "words"),
    [
        (FeedbackKind.QUESTION, FeedbackStatus.NEW, InvalidInput, "Only a reader's error report"),
        (FeedbackKind.ERROR, FeedbackStatus.INVALID, TransitionNotAllowed, "already triaged"),
        (FeedbackKind.ERROR, FeedbackStatus.VALID, TransitionNotAllowed, "already triaged"),
    ],
)
def test_refusals_change_nothing(published, chair, kind, status, error, words):
    feedback = file_feedback(published, kind=kind, status=status)
    audit_before = AuditEntry.objects.count()
    submissions_before = Submission.objects.count()

    with pytest.raises(error, match=words):
        services.feedback_mark_valid(feedback=feedback, actor=chair)

    feedback.refresh_from_db()
    assert feedback.status == status
    assert AuditEntry.objects.count() == audit_before
    assert Submission.objects.count() == submissions_before


def test_a_report_on_an_article_never_published_is_refused(author, chair):
    article = ArticleFactory(authors=[author])
    feedback = Feedback.objects.create(article=article, kind=FeedbackKind.ERROR, message=REPORT)

    with pytest.raises(TransitionNotAllowed, match="not published"):
        services.feedback_mark_valid(feedback=feedback, actor=chair)

    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.NEW
    assert not Submission.objects.filter(article=article).exists()


def test_only_the_chair_opens_a_re_review(report):
    reviewer = ReviewerUserFactory(username="not-a-chair")

    with pytest.raises(NotPermitted):
        services.feedback_mark_valid(feedback=report, actor=reviewer)

    report.refresh_from_db()
    assert report.status == FeedbackStatus.NEW


# --- The admin ----------------------------------------------------------------------------


def test_the_chair_marks_a_report_valid_with_the_button_on_its_page(client, report, chair):
    client.force_login(chair)
    page = client.get(change_url(report))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{mark_valid_url(report)}"' in html
    assert "csrfmiddlewaretoken" in html
    assert ">Mark valid and open a re-review</button>" in html

    response = client.post(mark_valid_url(report), {"reason": "Checked against the guideline."})

    assert response.status_code == 302
    assert response["Location"] == change_url(report)
    report.refresh_from_db()
    assert report.status == FeedbackStatus.VALID
    submission = Submission.objects.get(article=report.article, kind=SubmissionKind.RE_REVIEW)
    assert submission.author_note == "Checked against the guideline."
    assert any("A re-review of the live revision" in text for text in texts(response))
    again = client.get(change_url(report)).content.decode()
    assert ">Mark valid and open a re-review</button>" not in again, "triaged: no button"


def test_the_button_is_a_csrf_protected_post(report, chair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)

    assert client.get(mark_valid_url(report)).status_code == 405
    assert client.post(mark_valid_url(report)).status_code == 403
    report.refresh_from_db()
    assert report.status == FeedbackStatus.NEW


def test_the_list_action_triages_each_item_and_refuses_questions(client, report, published, chair):
    question = file_feedback(published, kind=FeedbackKind.QUESTION, message="Which dose?")
    client.force_login(chair)

    response = client.post(
        reverse("admin:articles_feedback_changelist"),
        {"action": "mark_valid_and_re_review", "_selected_action": [report.pk, question.pk]},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    question.refresh_from_db()
    assert report.status == FeedbackStatus.VALID
    assert question.status == FeedbackStatus.NEW
    assert Submission.objects.filter(article=published, kind=SubmissionKind.RE_REVIEW).count() == 1
    messages = texts(response)
    assert any(f"Report #{question.pk}: Only a reader's error report" in m for m in messages)
    assert any(f"Report #{report.pk} is valid" in m for m in messages)


def test_the_admin_says_when_the_article_is_already_in_review(
    client, report, published, author, chair
):
    revision = revision_draft_for_edit(article=published, actor=author)
    in_review = services.submission_submit(article=published, revision=revision, actor=author)
    client.force_login(chair)

    response = client.post(mark_valid_url(report), {"reason": ""})

    report.refresh_from_db()
    assert report.status == FeedbackStatus.VALID
    assert any(
        "no re-review was opened" in text and f"submission #{in_review.pk}" in text
        for text in texts(response)
    )


def test_a_refusal_in_the_admin_is_a_message_and_changes_nothing(client, published, chair):
    triaged = file_feedback(published, status=FeedbackStatus.INVALID)
    client.force_login(chair)

    response = client.post(mark_valid_url(triaged), {"reason": "Try again."})

    assert response.status_code == 302
    assert any("already triaged" in text for text in texts(response))
    triaged.refresh_from_db()
    assert triaged.status == FeedbackStatus.INVALID
    assert not Submission.objects.filter(kind=SubmissionKind.RE_REVIEW).exists()


def test_an_error_reports_status_cannot_be_set_valid_through_the_form(client, report, chair):
    client.force_login(chair)

    response = client.post(
        change_url(report), {"status": FeedbackStatus.VALID, "chair_note": "Looks right."}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == FeedbackStatus.NEW, "only the re-review button marks it valid"
    assert report.chair_note == "Looks right."
    assert not Submission.objects.filter(kind=SubmissionKind.RE_REVIEW).exists()


def test_the_plain_mark_valid_action_leaves_error_reports_alone(client, report, published, chair):
    question = file_feedback(published, kind=FeedbackKind.QUESTION, message="Which dose?")
    client.force_login(chair)

    response = client.post(
        reverse("admin:articles_feedback_changelist"),
        {"action": "mark_valid", "_selected_action": [report.pk, question.pk]},
    )

    report.refresh_from_db()
    question.refresh_from_db()
    assert (report.status, question.status) == (FeedbackStatus.NEW, FeedbackStatus.VALID)
    assert any("1 error report(s) left as they were" in text for text in texts(response))


def test_a_reviewer_cannot_reach_the_button(client, report, members):
    client.force_login(members[0].user)

    assert client.post(mark_valid_url(report)).status_code == 403
    report.refresh_from_db()
    assert report.status == FeedbackStatus.NEW


@pytest.mark.django_db(transaction=True)
def test_two_chairs_marking_one_report_at_once_open_one_re_review(approved, chair):
    report = file_feedback(approved.article)
    outcomes = []
    barrier = threading.Barrier(2)

    def triage():
        try:
            barrier.wait()
            services.feedback_mark_valid(feedback=report, actor=chair)
            outcomes.append("opened")
        except TransitionNotAllowed as error:
            outcomes.append(error.message)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=triage) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[1] == "opened"
    assert "already triaged" in sorted(outcomes)[0]
    assert Submission.objects.filter(kind=SubmissionKind.RE_REVIEW).count() == 1
    assert AuditEntry.objects.filter(action="feedback.mark_valid").count() == 1


@pytest.mark.parametrize("action", ["mark_valid", "mark_invalid", "mark_answered"])
def test_the_bulk_actions_record_when_each_item_was_triaged(client, published, chair, action):
    questions = [
        file_feedback(published, kind=FeedbackKind.QUESTION, message=f"Which dose? ({n})")
        for n in range(2)
    ]
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Feedback.objects.filter(pk__in=[q.pk for q in questions]).update(updated_at=long_ago)
    client.force_login(chair)

    client.post(
        reverse("admin:articles_feedback_changelist"),
        {"action": action, "_selected_action": [q.pk for q in questions]},
    )

    for question in questions:
        question.refresh_from_db()
        assert question.status != FeedbackStatus.NEW
        assert question.updated_at > long_ago + datetime.timedelta(days=29)
