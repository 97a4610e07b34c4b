"""The reader in real Chromium: the demo's B12 article, the audience switch, a citation
and its way back, the feedback form; axe-core finds no serious or critical violation."""

from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article, Feedback, FeedbackKind
from editorial.models import EditorialPolicy
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.factories import UserFactory

BLOCKING = {"serious", "critical"}


def assert_accessible(page):
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, results.generate_report()


@pytest.fixture
def b12():
    cache.clear()
    policy = EditorialPolicy.load()
    policy.policy_text = "## How we review\n\nTwo physicians approve every answer."
    policy.save()
    author = UserFactory(first_name="Maya", last_name="Lindqvist")
    article, revision = b12_article(author=author)
    lock_and_publish(revision, reviewers=make_reviewers(2, tag="e2e"))
    return article


@pytest.fixture
def demo_b12():
    """The B12 article exactly as ``make run`` shows it."""
    cache.clear()
    call_command("seed_demo", force=True, stdout=StringIO())
    return Article.objects.get(slug="vitamin-b12-deficiency-restless-legs")


@pytest.mark.django_db(transaction=True)
def test_reader_reads_switches_audience_follows_a_citation_and_sends_feedback(
    live_server, page, demo_b12
):
    b12 = demo_b12
    page.goto(f"{live_server.url}/articles/{b12.slug}/")
    assert page.locator("h1").inner_text() == b12.published_revision.title
    assert page.locator(".banner-reviewed").inner_text().startswith("Educational purpose only")
    assert page.locator('.tracker [aria-current="step"]').inner_text().count("Approved") == 1
    assert_accessible(page)

    # Audience: choosing one shows it at once (without JavaScript a button submits the
    # form: tests/e2e/test_reader_page_js.py); the choice is remembered.
    page.get_by_label("Patient or caregiver").check()
    page.wait_for_url("**audience=patient**")
    assert page.locator(".version-label").inner_text().startswith("Plain-language answer")
    assert page.locator(".safety").is_visible()
    assert "B12" in page.locator(".safety").inner_text()  # the body's "Pitfall" section
    assert_accessible(page)
    page.goto(f"{live_server.url}/articles/{b12.slug}/")
    assert page.locator(".version-label").inner_text().startswith("Plain-language answer")

    # A citation jumps to its reference, and the reference leads back.
    citation = page.locator(".answer a.citation").first
    target = citation.get_attribute("href")
    citation.click()
    page.wait_for_url(f"**{target}")
    reference = page.locator(target)
    assert reference.is_visible()
    assert page.evaluate("location.hash") == target
    reference.locator("a.backlink").click()
    # Back to the very citation the reader followed (tests/e2e/test_reader_page_js.py).
    assert citation.evaluate("link => link === document.activeElement")

    # Report an error: the article page leads to the form (it carries no per-visitor token).
    page.get_by_role("link", name="Report an error").click()
    page.wait_for_url("**/feedback/?kind=error**")
    assert page.get_by_label("Report an error").is_checked()
    page.get_by_label("Your message").fill("Reference 5 seems to cite the wrong year.")
    page.get_by_label("Email (optional)").fill("reader@example.org")
    page.get_by_role("button", name="Send to the editors").click()
    page.wait_for_url("**/feedback/thanks/")
    assert "reached our editors" in page.locator("h1").inner_text()
    item = Feedback.objects.get()
    assert item.kind == FeedbackKind.ERROR
    assert item.revision_id == b12.published_revision_id
    assert item.audience == "patient"
    assert item.email == "reader@example.org"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/editorial-policy/", "/?q=vitamin", "/board/"])
def test_public_pages_have_no_serious_accessibility_violation(live_server, page, b12, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_feedback_errors_are_accessible(live_server, page, b12):
    page.goto(f"{live_server.url}/articles/{b12.slug}/feedback/")
    page.get_by_label("Your message").fill("short")
    page.get_by_role("button", name="Send to the editors").click()
    assert page.locator(".field-error").first.is_visible()
    assert_accessible(page)
