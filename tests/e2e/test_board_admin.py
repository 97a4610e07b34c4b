"""Issue 3 in a real browser: the chair assigns two reviewers from the board view's
suggestions, each reviewer accepts from their queue and approves on the review screen, and
the article is approved with its audit trail on its admin page. No JavaScript is needed by
the pages; each board page passes an axe accessibility check on its content."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article, ReviewStatus

PASSWORD = "pw-for-tests-only"  # tests/factories.py


def sign_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def assert_accessible(page):
    page.wait_for_load_state()
    results = Axe().run(page, context="#content")
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approve_through_the_admin(live_server, page, submitted, members, chair):
    base = live_server.url

    sign_in(page, base, "chair")
    page.click("text=Board view")
    assert_accessible(page)
    card = page.locator(f"#submission-{submitted.pk}")
    suggestions = card.locator("ul.suggestions li")
    assert "Dr. Ada Reyes" in suggestions.nth(0).inner_text()
    assert "Dr. Ben Okafor" in suggestions.nth(1).inner_text()
    for name in ("Dr. Ada Reyes", "Dr. Ben Okafor"):
        card.get_by_label(name).check()
        card.get_by_role("button", name="Invite to review").click()
        assert f"{name} is invited to review." in page.locator(".messagelist").inner_text()

    for username in ("reviewer1", "reviewer2"):
        sign_in(page, base, username)
        assert page.url.endswith("/admin/editorial/assignment/")  # the queue is the landing
        assert_accessible(page)
        page.get_by_role("button", name=f"Accept: {submitted.revision.title}").click()
        assert "Accepted" in page.locator(".messagelist").inner_text()
        page.get_by_role("link", name=submitted.revision.title).click()
        assert_accessible(page)
        assert page.locator(".reader-title").inner_text() == submitted.revision.title
        page.get_by_role("radio", name="Approve", exact=True).check()
        page.get_by_label("I confirm I have no conflict of interest").check()
        page.get_by_label("Your password, to sign").fill(PASSWORD)
        page.get_by_role("button", name="Sign and record my decision").click()
        assert "recorded" in page.locator(".messagelist").inner_text() or "Quorum reached" in (
            page.locator(".messagelist").inner_text()
        )

    article = Article.objects.get(pk=submitted.article_id)
    assert article.review_status == ReviewStatus.APPROVED
    assert article.published_revision_id == submitted.revision_id

    sign_in(page, base, "chair")
    page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    trail = page.locator(".audit-trail li")
    assert trail.nth(0).inner_text().startswith("The board approved revision 1")
    assert trail.count() == 9
    signed = trail.nth(1).inner_text()  # the second approval, e-signed
    assert "Signed: Dr. Ben Okafor" in signed
    assert "Approved as medically accurate" in signed
    assert submitted.content_hash[:12] in signed
    page.goto(f"{base}/articles/{article.slug}/")
    assert "Dr. Ada Reyes" in page.locator(".banner").inner_text()
