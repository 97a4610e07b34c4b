"""The reader page in real Chromium, phone-sized (issue 10, "Reader"): citation links are
24 × 24 px touch targets; choosing an audience switches at once and keeps the reader where
they were (and, with JavaScript off, the form's button still does it); "Back to text"
returns to the citation the reader followed, not to the first one."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def b12():
    cache.clear()
    call_command("seed_demo", force=True, stdout=StringIO())
    return Article.objects.get(slug="vitamin-b12-deficiency-restless-legs")


def phone(browser, **options):
    context = browser.new_context(viewport={"width": 390, "height": 800}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_citation_links_are_touch_sized(live_server, browser, b12):
    page = phone(browser)
    page.goto(f"{live_server.url}/articles/{b12.slug}/")
    sizes = page.eval_on_selector_all(
        ".answer a.citation",
        "links => links.map(link => [link.offsetWidth, link.offsetHeight])",
    )
    assert sizes
    assert all(width >= 24 and height >= 24 for width, height in sizes), sizes
    page.context.close()


def test_choosing_an_audience_switches_at_once_and_keeps_the_place(live_server, browser, b12):
    page = phone(browser)
    page.goto(f"{live_server.url}/articles/{b12.slug}/")
    page.locator(".audience-form").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 200)")
    before = page.evaluate("window.scrollY")
    assert before > 0
    assert not page.get_by_role("button", name="Show this version").is_visible()

    page.get_by_label("Patient or caregiver").check()
    page.wait_for_url("**audience=patient**")
    page.wait_for_load_state("load")

    assert page.locator(".version-label").inner_text().startswith("Plain-language answer")
    assert abs(page.evaluate("window.scrollY") - before) <= 2, "the reader stays in place"
    page.context.close()


def test_without_javascript_the_button_switches_the_audience(live_server, browser, b12):
    page = phone(browser, java_script_enabled=False)
    page.goto(f"{live_server.url}/articles/{b12.slug}/")
    page.get_by_label("Patient or caregiver").check()
    page.get_by_role("button", name="Show this version").click()
    page.wait_for_url("**audience=patient**")
    assert page.locator(".version-label").inner_text().startswith("Plain-language answer")
    page.context.close()


def test_back_to_text_returns_to_the_citation_the_reader_followed(live_server, browser, b12):
    page = phone(browser)
    page.goto(f"{live_server.url}/articles/{b12.slug}/")
    hrefs = page.eval_on_selector_all(
        ".answer a.citation", "links => links.map(link => link.getAttribute('href'))"
    )
    repeated = next(href for href in hrefs if hrefs.count(href) > 1)
    second = page.locator(f".answer a.citation[href='{repeated}']").nth(1)
    second.click()
    page.wait_for_url(f"**{repeated}")

    page.locator(repeated).locator("a.backlink").click()

    assert second.evaluate("link => link === document.activeElement")
    box = second.bounding_box()
    assert 0 <= box["y"] <= 800, "the followed citation is on screen"
    page.context.close()
