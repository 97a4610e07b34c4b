"""The board view's page links, filters and candidates page in a real browser (issue 12):
plain links that work without JavaScript, no sideways scroll and no axe violation at phone
and desktop widths."""

import datetime

import pytest
from django.utils import timezone

from editorial.models import SubmissionState
from tests.e2e.test_chair_journey import assert_fits_and_accessible, shoot, sign_in
from tests.factories import SubmissionFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390])  # the chair journey covers 1280 px
def test_the_chair_pages_filters_and_opens_every_candidate_without_javascript(
    live_server, browser, submitted, members, chair, width
):
    now = timezone.now()
    for number in range(21):  # newer than ``submitted``: 22 open, two pages
        SubmissionFactory(
            state=SubmissionState.UNDER_REVIEW,
            revision__title=f"Newer question {number:02}?",
            submitted_at=now + datetime.timedelta(minutes=number + 1),
        )
    base = live_server.url
    # The journey with JavaScript off; axe and the overflow check need it, in a second tab.
    checker = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(checker, base, "chair")
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base, "chair")

    def check(name):
        checker.goto(page.url)
        assert_fits_and_accessible(checker, name, width)
        shoot(checker, name.replace(" ", "-"), width)

    page.goto(f"{base}/admin/editorial/submission/board/")
    assert "All open: 1–20 of 22, oldest first · page 1 of 2." in page.inner_text(".board")
    check("board paged")

    page.get_by_role("navigation", name="Pages of the board").get_by_role(
        "link", name="Next page"
    ).click()
    assert "21–22 of 22" in page.inner_text(".board-position")
    assert "Newer question 20?" in page.inner_text(".board")

    page.get_by_role("link", name="22 need reviewers").click()
    assert page.url.endswith("?show=needs-reviewers")
    assert "Need reviewers: 1–20 of 22" in page.inner_text(".board-position")

    card = page.locator(f"#submission-{submitted.pk}")
    card.get_by_role("link", name="See every candidate").click()
    assert "Every eligible reviewer, best first (3)" in page.inner_text("#content-main")
    assert "Dr. Chair chairs the board" in page.inner_text("#content-main")
    check("candidates")
    page.get_by_label("Dr. Chloe Varga").check()
    page.get_by_role("button", name="Invite to review").click()
    assert "Dr. Chloe Varga is invited to review." in page.inner_text(".messagelist")
    assert page.url.endswith(f"?show=needs-reviewers#submission-{submitted.pk}")
    context.close()
    checker.context.close()
