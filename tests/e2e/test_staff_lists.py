"""Issue 10, the staff lists in Chromium at 390 and 1280 px: the admin index and the
article, outbox and feedback changelists never scroll sideways, keep every column in view
(none hidden behind the filter panel), and pass axe-core with no violations."""

import itertools
from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from articles.models import Article, Feedback, FeedbackKind
from editorial.models import Notification, NotificationKind

PAGES = {
    "admin index": "/admin/",
    "articles": "/admin/articles/article/",
    "outbox": "/admin/editorial/notification/",
    "feedback": "/admin/articles/feedback/",
}
_keys = itertools.count()


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, stdout=StringIO())
    article = Article.objects.get(slug="vitamin-b12-deficiency-restless-legs")
    for number in range(60):
        Notification.objects.create(
            kind=NotificationKind.EVENT,
            dedupe_key=f"e2e-lists:{next(_keys)}",
            to_email=f"someone.with.a.long.address.{number}@hospital.example.org",
            subject=f"Review decided (changes requested): a long question number {number}?",
            body_text="Body " * 200,
            body_html="<p>Body</p>",
            article=article,
        )
    for number, kind in enumerate([FeedbackKind.ERROR, FeedbackKind.QUESTION] * 4):
        Feedback.objects.create(
            article=article,
            revision=article.published_revision,
            kind=kind,
            message=f"Reader message {number}: the dose in paragraph two differs from ref 3. " * 3,
            email="reader@example.org" if number % 2 else "",
        )


def sign_in(page, base_url):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "chair")
    page.fill("#id_password", "imprimatur-demo")
    page.click("input[type=submit]")
    page.wait_for_load_state()


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def hidden_columns(page):
    """How far the results table runs past its own container (a column out of view)."""
    return page.evaluate(
        """(() => { const box = document.querySelector('#changelist .results');
        return box ? box.scrollWidth - box.clientWidth : 0; })()"""
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_staff_lists_fit_the_screen_and_pass_axe(live_server, page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url)
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        assert page.locator("#content").count() == 1, name
        assert sideways(page) <= 0, f"{name} scrolls sideways at {width} px"
        assert hidden_columns(page) <= 0, f"{name} hides columns at {width} px"
        results = Axe().run(page)
        assert results.violations_count == 0, (name, width, results.generate_report())


@pytest.mark.django_db(transaction=True)
def test_the_outbox_pages_and_a_phone_reads_rows_as_labelled_lines(live_server, page, demo):
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, live_server.url)
    page.goto(live_server.url + PAGES["outbox"])

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 25
    assert page.locator(".paginator a", has_text="2").count() >= 1
    assert page.evaluate("document.documentElement.scrollHeight") < 10_400
    label = page.locator("#result_list tbody tr td[data-label='State']").first
    before = label.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "State" in before
    assert "Body Body" not in page.content()
