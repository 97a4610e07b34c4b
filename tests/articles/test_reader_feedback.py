"""Reader feedback: "Have a follow-up question? / Report an error" files an item the chair
triages in the admin. CSRF, rate limit per address, length limits, honeypot."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from articles.feedback import RATE_LIMIT
from articles.models import Feedback, FeedbackKind, FeedbackStatus
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def approved(author):
    article, revision = b12_article(author=author)
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="fb"))
    article.refresh_from_db()
    return article


def feedback_url(article):
    return f"/articles/{article.slug}/feedback/"


def post(client, article, ip="10.0.0.1", **fields):
    data = {
        "kind": FeedbackKind.ERROR,
        "message": "The ferritin threshold in the third section looks wrong.",
        "email": "",
        "website": "",
        "revision": article.published_revision_id,
    }
    data.update(fields)
    return client.post(feedback_url(article), data, REMOTE_ADDR=ip)


def test_a_report_is_filed_on_the_revision_read_and_the_reader_thanked(client, approved):
    response = post(client, approved, email="reader@example.org")
    assert response.status_code == 303
    assert response["Location"] == f"/articles/{approved.slug}/feedback/thanks/"
    item = Feedback.objects.get()
    assert item.article == approved
    assert item.revision_id == approved.published_revision_id
    assert item.kind == FeedbackKind.ERROR
    assert item.status == FeedbackStatus.NEW
    assert item.email == "reader@example.org"
    thanks = client.get(response["Location"])
    assert "your message has reached our editors" in thanks.content.decode()


def test_a_reader_follows_report_an_error_and_posts_with_a_csrf_token(approved):
    reader = Client(enforce_csrf_checks=True)
    article_page = reader.get(approved.get_absolute_url()).content.decode()
    link = re.search(r'href="([^"]+)">Report an error', article_page).group(1).replace("&amp;", "&")
    form_page = reader.get(link)
    html = form_page.content.decode()
    assert 'value="error" id="id_kind_1" required checked' in html
    assert f'name="revision" value="{approved.published_revision_id}"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = reader.post(
        link,
        {
            "csrfmiddlewaretoken": token,
            "kind": FeedbackKind.ERROR,
            "message": "Reference 2's PubMed number looks wrong.",
            "revision": approved.published_revision_id,
        },
    )
    assert response.status_code == 303
    assert Feedback.objects.get().kind == FeedbackKind.ERROR


def test_the_form_page_ignores_a_bad_kind_or_revision(client, approved):
    html = client.get(feedback_url(approved), {"kind": "spam", "revision": "x"}).content.decode()
    assert 'value="question" id="id_kind_0" required checked' in html
    assert f'name="revision" value="{approved.published_revision_id}"' in html


def test_a_post_without_csrf_token_is_refused(approved):
    response = Client(enforce_csrf_checks=True).post(
        feedback_url(approved), {"kind": "error", "message": "No token on this one."}
    )
    assert response.status_code == 403
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"message": "short"}, "Ensure this value has at least 10 characters"),
        ({"message": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        ({"kind": "praise"}, "Select a valid choice"),
        ({"email": "not-an-address"}, "Enter a valid email address"),
    ],
)
def test_bad_input_gets_a_clear_message_and_files_nothing(client, approved, fields, error):
    response = post(client, approved, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'aria-invalid="true"' in html or "field-error" in html
    assert not Feedback.objects.exists()


def test_the_honeypot_pretends_success_and_files_nothing(client, approved):
    response = post(client, approved, website="http://spam.example")
    assert response.status_code == 303
    assert not Feedback.objects.exists()


def test_too_many_messages_from_one_address_are_refused(client, approved):
    for _ in range(RATE_LIMIT):
        assert post(client, approved, ip="10.0.0.7").status_code == 303
    response = post(client, approved, ip="10.0.0.7")
    assert response.status_code == 429
    assert "several messages in a short time" in response.content.decode()
    assert Feedback.objects.count() == RATE_LIMIT
    assert post(client, approved, ip="10.0.0.8").status_code == 303  # someone else


def test_an_unknown_revision_falls_back_to_the_one_shown(client, approved, draft):
    post(client, approved, revision=draft.pk)  # a draft of another article
    assert Feedback.objects.get().revision_id == approved.published_revision_id


def test_feedback_on_an_unpublished_article_is_404(client, draft):
    response = client.post(
        f"/articles/{draft.article.slug}/feedback/", {"kind": "error", "message": "x" * 20}
    )
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_the_feedback_page_shows_the_form(client, approved):
    response = client.get(feedback_url(approved))
    assert response.status_code == 200
    assert "Ask a follow-up question or report an error" in response.content.decode()


def test_the_chair_triages_feedback_in_the_admin(client, approved, chair):
    post(client, approved, message="Reference 5 points to the wrong guideline.")
    post(client, approved, kind=FeedbackKind.QUESTION, message="What dose of B12 is used?")
    client.force_login(chair)
    changelist = client.get("/admin/articles/feedback/", {"status__exact": "new", "q": "guideline"})
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "Reference 5 points to the wrong guideline." in html
    assert "What dose of B12" not in html

    # A question's status is set on its form; an error report is marked valid only with
    # the re-review button (tests/editorial/test_feedback_triage.py).
    item = Feedback.objects.get(kind=FeedbackKind.QUESTION)
    response = client.post(
        f"/admin/articles/feedback/{item.pk}/change/",
        {"status": FeedbackStatus.ANSWERED, "chair_note": "Answered by email."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == FeedbackStatus.ANSWERED
    assert item.message == "What dose of B12 is used?"
    assert client.get("/admin/articles/feedback/add/").status_code == 403
