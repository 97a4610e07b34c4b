"""The public "What changed" page in Chromium (issue 10, "Reader"): rendered text with the
changed words marked, readable at 390 px and 1280 px without sideways scrolling, no axe
violation, and changes that do not rely on colour: struck-through and underlined text, a
label screen readers hear, and a visible word on each changed block."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from articles.services import revision_draft_for_edit, revision_update_draft
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.factories import UserFactory


@pytest.fixture
def two_versions():
    cache.clear()
    author = UserFactory()
    article, first = b12_article(author=author)
    lock_and_publish(first, reviewers=make_reviewers(1, tag="wc1"))
    second = revision_draft_for_edit(article=article, actor=author)
    paragraphs = first.body.split("\n\n")
    revision_update_draft(
        revision=second,
        summary="Yes, it can contribute; iron deficiency remains the commoner cause [1, 2].",
        body="\n\n".join([*paragraphs[1:], paragraphs[0], "A new **closing** paragraph [1]."]),
    )
    lock_and_publish(second, reviewers=make_reviewers(1, tag="wc2"))
    return article


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_what_changed_reads_as_marked_text_on_any_screen(live_server, page, two_versions, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/articles/{two_versions.slug}/changes/1/2/")

    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    violations = [v["id"] for v in Axe().run(page).response["violations"]]
    assert violations == []
    assert page.locator(".diff-rows ins strong").first.inner_text() == "closing"
    inserted = page.locator(".diff-changed ins").first
    deleted = page.locator(".diff-changed del").first
    assert "underline" in inserted.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
    label = inserted.locator(".diff-sr").first
    assert label.text_content() == "inserted: "
    assert label.bounding_box()["width"] <= 1  # heard, not seen
    assert page.get_by_text("Moved", exact=True).count() >= 1
    assert "[1, 2]" not in page.locator("main").inner_text()  # no Markdown on the page
