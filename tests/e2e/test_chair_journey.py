"""The chair's journey in a real browser at phone and desktop widths (issue 10, "Chair"):
the board view is one card per submission with no sideways scroll and no axe violation;
the chair invites a reviewer with a due date and a message; overrides through the
confirmation page, which says what readers will be told; and reads the result in the audit
trail, under the line saying the chain was verified."""

import datetime
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from editorial import services
from editorial.models import Assignment, Submission, SubmissionState
from tests.factories import TEST_PASSWORD, ArticleFactory, ReferenceFactory, RevisionFactory

SCREENSHOTS = Path(os.environ.get("CHAIR_SCREENSHOTS", "test-artifacts/chair"))


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def assert_fits_and_accessible(page, name, width):
    page.wait_for_load_state()
    assert overflow(page) <= 0, f"{name} scrolls sideways at {width} px"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def shoot(page, name, width):
    if os.environ.get("CHAIR_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.fixture
def second_submission(author):
    """Another article in review, with no reviewers yet."""
    article = ArticleFactory(authors=[author])
    revision = RevisionFactory(article=article, number=1, title="Does zinc shorten a cold?")
    ReferenceFactory(revision=revision, position=1)
    return services.submission_submit(article=article, revision=revision, actor=author)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_chair_assigns_and_overrides_from_the_board(
    live_server, browser, accepted, second_submission, members, chair, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    base = live_server.url
    sign_in(page, base, "chair")

    page.goto(f"{base}/admin/editorial/submission/board/")
    assert_fits_and_accessible(page, "board view", width)
    shoot(page, "board", width)
    fresh = page.locator(f"#submission-{second_submission.pk}")
    assert "No reviewers yet." in fresh.inner_text()
    assert "0 of 2 approvals" in fresh.inner_text()

    # Assign with a due date and a message, from the card of the submission without reviewers.
    due = timezone.localdate() + datetime.timedelta(days=3)
    fresh.get_by_label("Dr. Ben Okafor").check()
    fresh.get_by_label("Reply due by").fill(due.isoformat())
    fresh.get_by_label("Message to the reviewer").fill("Ben, the zinc trials need your eye.")
    fresh.get_by_role("button", name="Invite to review").click()
    assert "Dr. Ben Okafor is invited to review." in page.locator(".messagelist").inner_text()
    invited = Assignment.objects.get(submission=second_submission)
    assert invited.response_due == due
    assert invited.invitation_message == "Ben, the zinc trials need your eye."
    assert "Dr. Ben Okafor" in page.locator(f"#submission-{second_submission.pk}").inner_text()

    # Override: the choice is the chair's, then a confirmation page, then the signed POST.
    card = page.locator(f"#submission-{accepted.submission_id}")
    card.get_by_text("Override the board").click()
    assert not card.get_by_label("Approve and publish").is_checked()
    card.get_by_label("Approve and publish").check()
    card.get_by_label("Reason (required").fill("Urgent safety correction; I checked the sources.")
    card.get_by_role("button", name="Continue: see what readers will be told").click()
    page.wait_for_load_state()
    assert "Confirm the override" in page.title()
    statement = page.locator("#reader-statement").inner_text()
    assert "Approved by the editorial chair without the board's quorum" in statement
    assert "Urgent safety correction; I checked the sources." in statement
    assert Submission.objects.get(pk=accepted.submission_id).state == "under_review"
    assert_fits_and_accessible(page, "override confirmation", width)
    shoot(page, "override-confirm", width)
    page.get_by_label("Your password, to sign the override").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign and approve and publish").click()
    page.wait_for_load_state()
    assert "the article is approved and published" in page.locator(".messagelist").inner_text()
    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.APPROVED

    # The submission page: the override as a sentence, under the chain check.
    trail = page.locator(".audit-trail")
    assert "The chair, Dr. Chair, overrode the board and approved revision 1" in (
        trail.inner_text()
    )
    assert "Audit chain verified at" in page.locator(".chain-status").inner_text()
    page.get_by_text("emails (newest first): show").click()
    assert_fits_and_accessible(page, "submission page", width)
    shoot(page, "submission", width)
    context.close()
