"""An author, in real Chromium: sign in, write an article with three references and a
citation error, see the checklist flag it, fix it, preview, submit, see the state change.
Each workspace page also passes an axe accessibility check."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from editorial.models import Submission, SubmissionState
from tests.factories import AuthorFactory, TopicFactory

PASSWORD = "pw-for-tests-only"
REFERENCES = [
    ("guideline", "Restless legs syndrome: diagnosis and management", "Sleep Society", "2024"),
    ("research", "Serum B12 in patients with restless legs", "Neurology Journal", "2022"),
    ("systematic_review", "Iron therapy for restless legs", "Cochrane Reviews", "2019"),
]


def assert_accessible(page):
    results = Axe().run(page)
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
    ]
    assert violations == [], page.url


def fill_reference(page, index, kind, title, source, year):
    page.select_option(f"#id_refs-{index}-kind", kind)
    page.fill(f"#id_refs-{index}-title", title)
    page.fill(f"#id_refs-{index}-source", source)
    page.fill(f"#id_refs-{index}-year", year)
    page.fill(f"#id_refs-{index}-doi", f"https://doi.org/10.1000/rls{index + 1}")


@pytest.mark.django_db(transaction=True)
def test_an_author_writes_checks_previews_and_submits(live_server, page):
    AuthorFactory(username="writer", first_name="Wren", last_name="Author")
    TopicFactory(name="Neurology", slug="neurology")

    page.goto(f"{live_server.url}/author/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.fill("#id_username", "writer")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/author/")
    assert page.locator("h1").inner_text() == "My articles"
    assert_accessible(page)

    page.click("text=Write a new article")
    page.fill("#id_title", "Can vitamin B12 deficiency cause restless legs?")
    page.fill("#id_summary", "Sometimes; iron deficiency is the more common cause [1].")
    page.fill(
        "#id_body",
        "Low B12 is linked with restless legs [2].\n\nIron treatment helps many patients [4].",
    )
    page.fill("#id_patient_summary", "Maybe. Low iron is a more common cause [1].")
    page.fill("#id_patient_safety_note", "See a doctor soon if your feet go numb.")
    page.fill("#id_patient_body", "Low B12 can make your legs feel restless at night.")
    page.select_option("#id_topic", label="Neurology")
    for index, reference in enumerate(REFERENCES[:2]):
        fill_reference(page, index, *reference)
    # A mistyped DOI does not cost the draft: it is saved as typed and listed to fix.
    page.fill("#id_refs-1-doi", "10.12/bad")
    page.click("button:has-text('Save draft') >> nth=0")
    page.wait_for_url("**/edit/#checklist")
    assert "Draft saved." in page.locator(".messages").inner_text()
    assert page.input_value("#id_refs-1-doi") == "10.12/bad"
    doi_item = page.locator("#checklist a:has-text('“10.12/bad” is not a DOI')")
    assert doi_item.get_attribute("href") == "#id_refs-1-doi"
    doi_item.click()
    assert page.evaluate("document.activeElement.id") == "id_refs-1-doi"
    page.fill("#id_refs-1-doi", "10.1000/rls2")

    # The third reference goes in through "Add another reference" (the third slot of a new
    # article was left empty, so it was skipped): the page comes back with a new slot.
    page.click("button:has-text('Add another reference')")
    assert page.locator("fieldset.reference-form").count() == 4
    fill_reference(page, 2, *REFERENCES[2])
    page.click("button:has-text('Save draft') >> nth=0")
    page.wait_for_url("**/edit/#checklist")

    checklist = page.locator("#checklist")
    assert "The body cites [4] but there is no reference 4." in checklist.inner_text()
    assert "Reference 3 is never cited" in checklist.inner_text()
    assert_accessible(page)
    checklist.locator("a:has-text('The body cites [4]')").click()
    assert page.url.endswith("#id_body")

    page.fill(
        "#id_body",
        "Low B12 is linked with restless legs [2].\n\nIron treatment helps many patients [3].",
    )
    page.click("button:has-text('Save draft') >> nth=0")
    page.wait_for_url("**/edit/#checklist")
    assert "Ready to submit" in page.locator("#checklist").inner_text()

    page.click("#checklist ~ p >> text=Preview")
    assert page.locator("h1").inner_text() == "Can vitamin B12 deficiency cause restless legs?"
    assert "Preview — not published" in page.content()
    page.locator("a.citation[href='#ref-2']").first.click()
    assert page.url.endswith("#ref-2")
    page.go_back()
    page.go_back()

    page.click("text=Status, preview and submission")
    assert_accessible(page)
    page.fill("#id_note", "First submission: three references.")
    page.click("button:has-text('for review')")
    assert page.locator(".state .badge").inner_text() == "Submitted"
    assert "Submitted for review (version 1)." in page.locator(".messages").inner_text()
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.revision.references.count() == 3
    assert_accessible(page)

    page.click("text=My articles")
    assert page.locator(".badge").inner_text() == "Submitted"
