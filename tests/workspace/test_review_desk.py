"""The author's pages say what is true and lead somewhere (issue 10, "Author"): the version
label follows the state, "what changed" is offered only when there is something to compare,
the preview leads back to the work, and withdrawing asks for a confirmation."""

import pytest
from django.urls import reverse

from editorial import services
from editorial.models import Submission, SubmissionState
from tests.workspace.support import flash, html

pytestmark = pytest.mark.django_db


def url(name, article):
    return reverse(f"author:{name}", args=[article.pk])


@pytest.fixture
def signed_in(client, author):
    client.force_login(author)
    return client


def eyebrow(response):
    page = html(response)
    start = page.index('<p class="eyebrow">')
    return page[start : page.index("</p>", start)]


def test_the_version_label_follows_the_state(signed_in, article, draft, author, chair):
    assert "(draft)" in eyebrow(signed_in.get(url("detail", article)))

    submission = services.submission_submit(article=article, revision=draft, actor=author)
    assert "(with the board, read-only)" in eyebrow(signed_in.get(url("detail", article)))

    services.submission_start_review(submission=submission, actor=chair)
    services.submission_approve(submission=submission, actor=chair)
    label = eyebrow(signed_in.get(url("detail", article)))
    assert "(published)" in label and "read-only" not in label


def test_what_changed_is_offered_only_once_reviewers_saw_an_earlier_version(
    signed_in, article, submitted
):
    page = html(signed_in.get(url("detail", article)))
    assert url("diff", article) not in page, "version 1 has nothing to compare with"


def test_what_changed_is_offered_for_a_revision(signed_in, article, resubmitted):
    assert url("diff", article) in html(signed_in.get(url("detail", article)))


def test_the_preview_leads_back_to_the_editor_and_the_submission(signed_in, article, draft):
    page = html(signed_in.get(url("preview", article)))
    flag = page[page.index('class="preview-flag"') :]
    flag = flag[: flag.index("</p>")]
    assert f'href="{url("edit", article)}"' in flag
    assert f'href="{url("detail", article)}">Checklist and submission' in flag


def test_a_preview_in_review_offers_no_editor(signed_in, article, submitted):
    page = html(signed_in.get(url("preview", article)))
    assert f'href="{url("edit", article)}"' not in page
    assert f'href="{url("detail", article)}">Status and history' in page


def test_withdrawing_needs_a_confirmation_and_without_it_nothing_changes(
    signed_in, article, submitted
):
    response = signed_in.post(url("withdraw", article), {"reason": "Found an error."})

    assert response.status_code == 400
    assert "Tick the box to confirm you want to withdraw it." in html(response)
    assert flash(response) == ["Not withdrawn: see the form below."]
    assert Submission.objects.get(pk=submitted.pk).state == SubmissionState.SUBMITTED


def test_withdraw_is_not_the_loudest_button_on_the_page(signed_in, article, submitted):
    page = html(signed_in.get(url("detail", article)))
    form = page[page.index('action="' + url("withdraw", article)) :]
    form = form[: form.index("</form>")]
    assert 'class="button secondary"' in form and "danger" not in form
