"""The author workspace through HTTP: my articles, the editor, preview, submit, resubmit,
withdraw and the diff; bad input gets a clear message and changes nothing."""

import pytest
from django.urls import reverse

from articles.models import Article, Revision
from editorial import services
from editorial.models import AuditEntry, DecisionOutcome, Submission, SubmissionState
from tests.factories import TEST_PASSWORD, ArticleFactory, AuthorFactory
from tests.workspace.support import (
    cited_draft,
    editor_data,
    flash,
    html,
    reference_row,
    request_changes,
    url,
)

pytestmark = pytest.mark.django_db


# My articles.


def test_my_articles_shows_each_state_and_who_it_waits_on(signed_in, author, chair):
    drafting = ArticleFactory(authors=[author])
    cited_draft(drafting)
    in_review = ArticleFactory(authors=[author, AuthorFactory()])
    submission = services.submission_submit(
        article=in_review, revision=cited_draft(in_review), actor=author
    )
    services.submission_start_review(submission=submission, actor=chair)
    page = html(signed_in.get(reverse("author:dashboard")))
    assert '<span class="badge badge-draft">Draft</span>' in page
    assert '<span class="badge badge-under_review">Under review</span>' in page
    assert "The reviewers." in page and "You: finish the draft and submit it." in page


def test_my_articles_takes_the_same_queries_for_one_article_and_twenty(
    signed_in, author, django_assert_num_queries
):
    cited_draft(ArticleFactory(authors=[author]))
    with django_assert_num_queries(5):
        assert signed_in.get(reverse("author:dashboard")).status_code == 200
    for _ in range(19):
        cited_draft(ArticleFactory(authors=[author, AuthorFactory()]))
    with django_assert_num_queries(5):
        response = signed_in.get(reverse("author:dashboard"))
    assert len(response.context["rows"]) == 20


def test_an_author_with_no_articles_is_invited_to_write_one(signed_in):
    assert "You have no articles yet." in html(signed_in.get(reverse("author:dashboard")))


# Writing.


def test_a_new_article_is_saved_as_a_draft_with_its_references(signed_in, author, topic):
    coauthor = AuthorFactory(username="ana")
    references = [reference_row(1, doi="https://doi.org/10.1000/one"), reference_row(2)]
    response = signed_in.post(
        reverse("author:new"),
        editor_data(topic=topic, coauthors="ana", references=references),
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("edit", article) + "#checklist"
    revision = article.revisions.get()
    assert (revision.number, revision.is_locked, revision.created_by) == (1, False, author)
    assert list(revision.references.values_list("position", "doi")) == [
        (1, "10.1000/one"),
        (2, "10.1000/study2"),
    ]
    assert set(article.authors.all()) == {author, coauthor}
    assert article.slug == "can-b12-deficiency-cause-restless-legs"
    assert not Submission.objects.exists()


def test_the_checklist_flags_a_citation_error_and_links_to_the_body(signed_in, topic):
    signed_in.post(
        reverse("author:new"),
        editor_data(topic=topic, body="Linked [1]. Also [2] and [4]."),
    )
    page = html(signed_in.get(url("edit", Article.objects.get())))
    assert '<a href="#id_body">The body cites [4] but there is no reference 4.</a>' in page
    assert 'id="id_body"' in page
    assert "1 problem to fix before you can submit" in page


def test_add_another_reference_adds_a_slot_and_saves_nothing(signed_in, topic):
    data = editor_data(topic=topic, action="add_reference")
    response = signed_in.post(reverse("author:new"), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert formset.forms[2]["position"].value() == "3"
    assert 'id="reference-3"' in html(response)
    assert not Article.objects.exists()


def test_a_draft_is_edited_in_place_and_references_reordered(signed_in, article, draft, topic):
    data = editor_data(
        topic=topic,
        body="First [1], second [2].",
        references=[reference_row(2, title="Now second"), reference_row(1, title="Now first")],
    )
    response = signed_in.post(url("edit", article), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "First [1], second [2]."
    assert list(draft.references.values_list("position", "title")) == [
        (1, "Now first"),
        (2, "Now second"),
    ]


def test_invalid_input_saves_nothing_and_says_so(signed_in, article, draft, topic):
    before = (draft.title, list(draft.references.values_list("title", flat=True)))
    data = editor_data(
        topic=topic,
        title="x" * 301,
        references=[
            reference_row(1, doi="10.1/" + "x" * 200, url="javascript:alert(1)"),
            reference_row(1, year="40000"),
        ],
    )
    response = signed_in.post(url("edit", article), data)
    assert response.status_code == 400
    assert flash(response) == ["Nothing was saved: correct the marked fields."]
    page = html(response)
    assert "Ensure this value has at most 300 characters" in page
    assert "This DOI is too long." in page
    assert "Enter a valid URL." in page
    assert "Enter the year of publication, such as 2021." in page
    draft.refresh_from_db()
    assert (draft.title, list(draft.references.values_list("title", flat=True))) == before


def test_a_bad_doi_pmid_or_future_year_is_saved_listed_and_blocks_submission(
    signed_in, article, draft, topic
):
    data = editor_data(
        topic=topic,
        references=[
            reference_row(1, doi="10.12/bad", pmid="123456789"),
            reference_row(2, year="2999"),
        ],
    )
    response = signed_in.post(url("edit", article), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#checklist")
    draft.refresh_from_db()
    assert list(draft.references.values_list("doi", "pmid", "year")) == [
        ("10.12/bad", "123456789", 2021),
        ("10.1000/study2", "", 2999),
    ]
    page = html(signed_in.get(url("edit", article)))
    assert (
        '<a href="#id_refs-0-doi">Reference 1: “10.12/bad” is not a DOI; a DOI looks like '
        "10.1056/NEJMoa2034577.</a>"
    ) in page
    assert '<a href="#id_refs-0-pmid">Reference 1: “123456789” is not a PubMed ID' in page
    assert '<a href="#id_refs-1-year">Reference 2: the year 2999 is in the future.</a>' in page
    # The anchors name the editor's own inputs, so following one lands in the field.
    assert 'id="id_refs-0-doi"' in page and 'value="10.12/bad"' in page
    detail = html(signed_in.get(url("detail", article)))
    assert f'href="{url("edit", article)}#id_refs-0-doi"' in detail
    response = signed_in.post(url("submit", article), {"note": ""})
    assert response.status_code == 400
    assert flash(response) == ["Not submitted: the checklist shows 3 problems to fix first."]
    assert not Submission.objects.filter(article=article).exists()
    draft.refresh_from_db()
    assert not draft.is_locked


def test_duplicate_reference_numbers_save_nothing(signed_in, article, draft, topic):
    data = editor_data(topic=topic, references=[reference_row(1), reference_row(1, title="B")])
    response = signed_in.post(url("edit", article), data)
    assert response.status_code == 400
    assert "Two references have the number 1: give each its own number." in html(response)
    assert draft.references.count() == 1


@pytest.mark.parametrize("state", ["submitted", "under_review"])
def test_editing_an_article_in_review_is_refused(state, request, signed_in, article, topic):
    submission = request.getfixturevalue(state)
    response = signed_in.get(url("edit", article))
    assert response.status_code == 409
    assert "cannot be edited while the board reviews it" in flash(response)[0]
    response = signed_in.post(url("edit", article), editor_data(topic=topic, title="Sneaky"))
    assert response.status_code == 409
    assert Revision.objects.filter(article=article).count() == 1
    submission.revision.refresh_from_db()
    assert submission.revision.title != "Sneaky"


def test_editing_an_approved_article_starts_a_new_revision(signed_in, article, approved, topic):
    page = html(signed_in.get(url("edit", article)))
    assert "Saving your changes starts version 2." in page
    response = signed_in.post(url("edit", article), editor_data(topic=topic, title="Updated?"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_revision_id == approved.revision_id
    assert article.revisions.get(number=2).title == "Updated?"
    assert article.revisions.get(number=1).title != "Updated?"
    detail = signed_in.get(url("detail", article))
    assert detail.context["status"].label == "Draft"


# Preview.


def test_preview_renders_the_reader_template_marked_and_noindex(signed_in, article, draft):
    response = signed_in.get(url("preview", article))
    assert response.status_code == 200
    assert "articles/detail.html" in [t.name for t in response.templates]
    assert response.context["preview"] is True
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    page = html(response)
    assert "Preview — not published" in page
    assert '<meta name="robots" content="noindex' in page
    assert draft.title in page
    assert 'href="#ref-1"' in page  # citations linked exactly as for readers


def test_the_audience_form_switches_the_preview_to_the_plain_language_version(
    signed_in, article, draft
):
    draft.body = "Ferritin below 75 ng/mL is treated [1]."
    draft.patient_body = "Low iron can make restless legs worse [1]."
    draft.save(update_fields=["body", "patient_body"])
    professional = signed_in.get(url("preview", article))
    assert professional.context["audience"] == "professional"
    assert "Answer written for healthcare professionals" in html(professional)
    patient = signed_in.get(url("preview", article), {"audience": "patient"})
    assert patient.context["audience"] == "patient"
    page = html(patient)
    assert patient.context["showing_patient"] is True
    assert "Plain-language answer for patients and caregivers" in page
    assert "Low iron can make restless legs worse" in page
    assert "Preview — not published" in page
    # An unknown audience is the professional version, as on the reader page.
    unknown = signed_in.get(url("preview", article), {"audience": "<script>"})
    assert unknown.status_code == 200
    assert unknown.context["audience"] == "professional"


# Submitting.


def test_submitting_a_clean_draft_changes_the_state(signed_in, article, author):
    revision = cited_draft(article)
    response = signed_in.post(url("submit", article), {"note": "Ready for review."})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.revision, submission.state, submission.author_note) == (
        revision,
        SubmissionState.SUBMITTED,
        "Ready for review.",
    )
    page = signed_in.get(url("detail", article))
    assert page.context["status"].label == "Submitted"
    assert flash(page) == [
        "Submitted for review (version 1). It cannot be edited while the board reviews it."
    ]


def test_submitting_twice_says_already_submitted_and_changes_nothing(signed_in, article):
    cited_draft(article)
    first = signed_in.post(url("submit", article), {"note": ""}, follow=True)
    assert first.redirect_chain == [(url("detail", article), 302)]
    second = signed_in.post(url("submit", article), {"note": ""})
    assert second.status_code == 409
    assert flash(second)[0].startswith("Already submitted: this version went to review on")
    assert Submission.objects.count() == 1
    assert AuditEntry.objects.filter(action="submission.submit").count() == 1


def test_a_draft_with_checklist_errors_cannot_be_submitted(signed_in, article, draft):
    Revision.objects.filter(pk=draft.pk).update(body="Cites [1] and [9].")
    page = html(signed_in.get(url("detail", article)))
    assert "Fix the errors in the checklist above to submit." in page
    response = signed_in.post(url("submit", article), {"note": ""})
    assert response.status_code == 400
    assert flash(response) == ["Not submitted: the checklist shows 1 problem to fix first."]
    assert not Submission.objects.exists()
    draft.refresh_from_db()
    assert not draft.is_locked


def test_a_chairs_override_rejection_shows_its_reason_to_the_author(
    signed_in, article, under_review, chair
):
    services.submission_override(
        password=TEST_PASSWORD,
        submission=under_review,
        actor=chair,
        outcome=DecisionOutcome.REJECT,
        reason="Duplicate of the existing article on iron and restless legs.",
    )
    response = signed_in.get(url("detail", article))
    assert response.context["status"].label == "Rejected"
    [feedback] = response.context["feedback"]
    assert feedback.action == "Rejected by the board chair (override)"
    page = html(response)
    assert "What the reviewers asked" in page
    assert "Rejected by the board chair (override)" in page
    assert "Duplicate of the existing article on iron and restless legs." in page


def test_changes_requested_shows_comments_then_resubmits_with_a_note(
    signed_in, article, author, chair, topic
):
    cited_draft(article)
    signed_in.post(url("submit", article), {"note": ""})
    request_changes(Submission.objects.get(), chair, comment="Please add the 2022 study.")

    edit_page = html(signed_in.get(url("edit", article)))
    assert "What the reviewers asked" in edit_page
    assert "Please add the 2022 study." in edit_page
    detail = signed_in.get(url("detail", article))
    assert detail.context["status"].label == "Changes requested"
    assert "revise the article" in html(detail)

    data = editor_data(
        topic=topic,
        summary="Yes, in most cases [1].",
        body="Finding [1]. Finding [2]. New 2022 study [3].",
        references=[reference_row(1), reference_row(2), reference_row(3, title="2022 study")],
    )
    assert signed_in.post(url("edit", article), data).status_code == 302
    without_note = signed_in.post(url("submit", article), {"note": " "})
    assert without_note.status_code == 400
    assert Submission.objects.count() == 1

    response = signed_in.post(url("submit", article), {"note": "Added the 2022 study [3]."})
    assert response.status_code == 302
    first, second = Submission.objects.order_by("pk")
    assert first.state == SubmissionState.RESUBMITTED
    assert (second.state, second.previous, second.revision.number) == ("submitted", first, 2)
    assert second.author_note == "Added the 2022 study [3]."

    diff = signed_in.get(url("diff", article))
    assert diff.context["base"] == first.revision
    page = html(diff)
    assert '<span class="diff-sr">inserted: </span>New 2022 study' in page
    assert "Please add the 2022 study." in page  # comments on the version it answered


def test_withdraw_then_withdraw_again_is_a_clear_conflict(signed_in, article, submitted):
    response = signed_in.post(
        url("withdraw", article), {"reason": "Found an error.", "confirm": "on"}, follow=True
    )
    assert flash(response) == ["Withdrawn from review. Edit the article to start a new draft."]
    submitted.refresh_from_db()
    assert submitted.state == SubmissionState.WITHDRAWN
    again = signed_in.post(url("withdraw", article), {"reason": "", "confirm": "on"})
    assert again.status_code == 409
    assert flash(again) == ["This article is not in review, so there is nothing to withdraw."]


def test_the_diff_before_any_submission_says_there_is_nothing_to_compare(signed_in, article, draft):
    page = html(signed_in.get(url("diff", article)))
    assert "There is nothing to compare yet" in page
