"""Issue 10, the reviewer's part, in a real browser at a phone's width and a laptop's: the
reviewer accepts from the queue, opens the review screen (the revision in the reader's
styles, the decision panel beside it or one link away), approves with their password and
is told where the quorum stands. No page scrolls sideways; axe finds no violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from editorial import services
from editorial.models import Decision
from tests.factories import TEST_PASSWORD, ReferenceFactory, RevisionFactory

PARAGRAPH = (
    "Most adults tolerate the usual dose well [1]. Kidney function decides the dose in older "
    "patients, and the interaction with common painkillers matters more than the label "
    "suggests [2]. A recent trial found no difference in the outcome that patients care "
    "about [3].\n\n"
)


@pytest.fixture
def long_submission(article, author):
    """A first revision long enough that the decision panel would sit far below it."""
    revision = RevisionFactory(
        article=article,
        number=1,
        title="Is the usual dose of metformin safe after 80?",
        summary="Usually, with the dose matched to kidney function [1].",
        body=PARAGRAPH * 12,
    )
    for position in (1, 2, 3):
        ReferenceFactory(revision=revision, position=position, title=f"Guideline {position}")
    return services.submission_submit(article=article, revision=revision, actor=author)


def sign_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def assert_fits_and_is_accessible(page):
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways"
    )
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_accepts_reads_and_approves(
    live_server, page, long_submission, members, chair, width
):
    for member in members[:2]:
        services.assignment_create(submission=long_submission, reviewer=member, actor=chair)
    title = long_submission.revision.title
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    base = live_server.url

    sign_in(page, base, "reviewer1")
    assert page.url.endswith("/admin/editorial/assignment/")
    assert_fits_and_is_accessible(page)
    page.get_by_role("button", name=f"Accept: {title}").click()
    assert "Accepted" in page.locator(".messagelist").inner_text()
    page.get_by_role("link", name=title, exact=True).click()

    assert_fits_and_is_accessible(page)
    assert page.locator(".reader-view .reader-title").inner_text() == title
    assert "0 of 2 approvals so far; waiting for you and Dr. Ben Okafor" in (
        page.locator(".quorum-progress").inner_text()
    )
    if width == 1280:
        assert page.evaluate("window.scrollY") == 0
        assert in_viewport(page, "#decision-heading")
        assert in_viewport(page, "#decision .outcome-choices")
        assert not page.get_by_role("link", name="Go to your decision").is_visible()
    else:
        assert not in_viewport(page, "#decision-heading")
        page.get_by_role("link", name="Go to your decision").click()
        page.wait_for_function("location.hash === '#decision'")
        assert in_viewport(page, "#decision-heading")

    page.get_by_role("radio", name="Approve", exact=True).check()
    radio_box = page.locator(".outcome-choices label").first.bounding_box()
    assert radio_box["height"] >= 24 and radio_box["width"] >= 24
    button_box = page.get_by_role("button", name="Sign and record my decision").bounding_box()
    assert button_box["height"] >= 44
    page.get_by_label("Comments to the authors").fill("Clear and accurate. " * 40)
    page.get_by_label("Confidential comments to the chair").fill("The author is my registrar.")
    page.get_by_label("1. Guideline 1").check()
    page.get_by_label("3. Guideline 3").check()
    page.get_by_label("I confirm I have no conflict of interest").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("Your password, to sign").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign and record my decision").click()

    assert (
        "Your approval is recorded: 1 of 2 approvals; waiting for Dr. Ben Okafor."
        in page.locator(".messagelist").inner_text()
    )
    assert_fits_and_is_accessible(page)
    decision = Decision.objects.get(assignment__reviewer=members[0])
    assert decision.checked_references == [1, 3]
    assert decision.confidential_comment == "The author is my registrar."

    sign_in(page, base, "reviewer2")
    page.get_by_role("button", name=f"Accept: {title}").click()
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("radio", name="Approve", exact=True).check()
    page.get_by_label("I confirm I have no conflict of interest").check()
    page.get_by_label("Your password, to sign").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign and record my decision").click()
    assert (
        "Quorum reached: the article is approved and published."
        in page.locator(".messagelist").inner_text()
    )
