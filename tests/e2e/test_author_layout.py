"""The author workspace fits the screen it is read on (issue 10, "Author"): no sideways
scrolling at 390 px, tables stacked into labelled rows on phones, and on a wide screen the
editor gets the width (the rule that widens it once never matched: `.wrap` is a div inside
<main>), so a PMID's eight digits show in full."""

from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from articles.models import Article

PAGES = ("dashboard", "detail", "edit")


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, stdout=StringIO())
    return {
        "published": Article.objects.get(slug="vitamin-b12-deficiency-restless-legs"),
        "draft": Article.objects.get(slug="magnesium-nocturnal-leg-cramps"),
    }


def signed_in_page(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "author")
    page.fill("#id_password", "imprimatur-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/author/")
    return page


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_every_workspace_page_fits_without_sideways_scrolling(live_server, browser, demo, width):
    page = signed_in_page(browser, live_server, width)
    urls = {
        "dashboard": "/author/",
        "detail": f"/author/articles/{demo['published'].pk}/",
        "edit": f"/author/articles/{demo['draft'].pk}/edit/",
    }
    for name in PAGES:
        page.goto(live_server.url + urls[name])
        assert overflow(page) <= 0, f"{name} scrolls sideways at {width} px"
        violations = [v["id"] for v in Axe().run(page).response["violations"]]
        assert violations == [], (name, width)
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_articles_table_reads_as_labelled_rows(live_server, browser, demo):
    page = signed_in_page(browser, live_server, 390)
    first_status = page.locator(".articles-table tbody td[data-label='Status']").first
    label = first_status.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Status: "'
    assert page.locator(".articles-table thead").bounding_box()["height"] <= 1
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_on_a_wide_screen_the_editor_gets_the_width(live_server, browser, demo):
    page = signed_in_page(browser, live_server, 1280)
    page.goto(f"{live_server.url}/author/articles/{demo['draft'].pk}/edit/")

    assert page.locator("#id_body").bounding_box()["width"] >= 600
    pmid = page.locator("#id_refs-0-pmid")
    pmid.fill("12345678")
    assert pmid.evaluate("box => box.scrollWidth <= box.clientWidth"), "8 digits show in full"
    page.context.close()
