"""The author workspace fits the screen it is read on (issue 10, "Author"): no sideways
scrolling at 390 px, tables stacked into labelled rows on phones, and on a wide screen the
editor gets the width (the rule that widens it once never matched: `.wrap` is a div inside
<main>), so a PMID's eight digits show in full."""

from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from articles.models import Article
from tests.e2e.conftest import ARTIFACTS

PAGES = ("dashboard", "detail", "edit", "preview")
SCREENSHOTS = ARTIFACTS / "author"


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
        "preview": f"/author/articles/{demo['published'].pk}/preview/?audience=patient",
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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_a_bad_doi_is_saved_listed_and_its_item_focuses_the_field(
    live_server, browser, demo, width
):
    page = signed_in_page(browser, live_server, width)
    page.goto(f"{live_server.url}/author/articles/{demo['draft'].pk}/edit/")
    page.fill("#id_refs-0-doi", "10.12/not-a-doi")
    page.fill("#id_refs-1-year", "2999")
    page.locator("button:has-text('Save draft')").first.click()
    page.wait_for_url("**/edit/#checklist")
    assert "Draft saved." in page.locator(".messages").inner_text()
    assert page.input_value("#id_refs-0-doi") == "10.12/not-a-doi"
    checklist = page.locator("#checklist")
    assert "Reference 2: the year 2999 is in the future." in checklist.inner_text()
    assert overflow(page) <= 0
    assert [v["id"] for v in Axe().run(page).response["violations"]] == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"editor-checklist-{width}.png"))

    item = checklist.locator("a:has-text('“10.12/not-a-doi” is not a DOI')")
    item.click()
    assert page.evaluate("document.activeElement.id") == "id_refs-0-doi"
    assert page.locator("#id_refs-0-doi").is_visible()

    # From the status page the same item opens the editor with the cursor in the field.
    page.goto(f"{live_server.url}/author/articles/{demo['draft'].pk}/")
    page.locator("#checklist a:has-text('is in the future')").click()
    page.wait_for_url("**/edit/#id_refs-1-year")
    assert page.evaluate("document.activeElement.id") == "id_refs-1-year"

    page.goto(f"{live_server.url}/author/articles/{demo['draft'].pk}/")
    assert page.locator(".submit-box button[disabled]").count() == 1
    page.context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_patient_version_opens_with_its_own_summary_and_safety_note(
    live_server, browser, demo, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}{demo['published'].get_absolute_url()}?audience=patient")
    assert "Maybe, but doctors are not sure" in page.locator(".summary").inner_text()
    assert "See a doctor soon" in page.locator("aside.safety").inner_text()
    assert "mean cell volume" not in page.locator("aside.safety").inner_text()
    assert overflow(page) <= 0
    assert [v["id"] for v in Axe().run(page).response["violations"]] == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("section.answer").scroll_into_view_if_needed()
    page.locator(".version-label").evaluate("label => label.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / f"patient-version-{width}.png"))
    context.close()
