import pytest

from editorial import services
from reviewers.models import BoardMember


@pytest.mark.django_db(transaction=True)
def test_reader_opens_an_approved_article_in_chromium(live_server, page, under_review, chair):
    approved = services.submission_approve(
        submission=under_review, actor=chair, reviewers=[BoardMember.objects.get(user=chair)]
    )
    page.goto(f"{live_server.url}/articles/{approved.article.slug}/")
    assert page.locator("h1").inner_text() == approved.revision.title
    page.locator("a.citation").first.click()
    assert page.url.endswith("#ref-1")
