"""An approved article the board is looking at again says why (issue 10, "Reader"): after
a reader's valid error report the page no longer claims "an update is under review" when
nothing has changed; a scheduled re-review says so; a real update still reads as one."""

import pytest
from django.core.cache import cache

from articles import page_cache
from articles.models import Feedback, FeedbackKind, FeedbackStatus
from articles.services import revision_draft_for_edit, revision_update_draft
from editorial import services

pytestmark = pytest.mark.django_db

UPDATE = "An update to this article is under review."
READER = "A reader reported a possible error; the board is re-checking this article."
SCHEDULED = "This article is due for its regular re-review; the board is re-checking it."


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    page_cache.reset()


@pytest.fixture
def published(approved):
    approved.article.refresh_from_db()
    return approved.article


def page(client, article):
    page_cache.reset()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_valid_reader_report_says_the_board_is_re_checking_not_that_it_changed(
    client, published, chair
):
    report = Feedback.objects.create(
        article=published,
        revision=published.published_revision,
        kind=FeedbackKind.ERROR,
        status=FeedbackStatus.NEW,
        message="The ferritin threshold is out of date.",
    )
    services.feedback_mark_valid(feedback=report, actor=chair)

    html = page(client, published)
    assert READER in html
    assert UPDATE not in html


def test_a_scheduled_re_review_says_so(client, published):
    services.submission_open_re_review(article=published, reason="Next review date reached.")

    html = page(client, published)
    assert SCHEDULED in html
    assert UPDATE not in html and READER not in html


def test_an_authors_update_still_reads_as_an_update_after_an_earlier_re_check(
    client, published, author, chair
):
    re_check = services.submission_open_re_review(article=published, reason="Due.")
    services.submission_withdraw(submission=re_check, actor=chair)
    revision = revision_draft_for_edit(article=published, actor=author)
    revision_update_draft(revision=revision, summary=revision.summary + " Updated.")
    services.submission_submit(article=published, revision=revision, actor=author)

    html = page(client, published)
    assert UPDATE in html
    assert SCHEDULED not in html and READER not in html
