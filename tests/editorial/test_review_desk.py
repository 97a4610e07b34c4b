"""Issue 10, the reviewer's part: a review screen built for deciding. The revision in the
reader's styles; the decision panel at once; comments to the authors and confidential
comments to the chair kept apart (the confidential ones reach the chair only); a
"checked" mark per reference; the quorum's progress before and after deciding; accept and
decline as separate, labelled actions; a queue that reads plainly."""

import json

import pytest
from django.urls import reverse

from editorial import dossiers, selectors, services
from editorial.actions import AuditAction
from editorial.errors import InvalidInput
from editorial.models import (
    AuditEntry,
    Decision,
    DecisionOutcome,
    Notification,
    Signature,
    SignedReviewRecord,
    WebhookDelivery,
    WebhookEndpoint,
)
from editorial.quorum import QuorumProgress
from editorial.views.review import decided_message
from tests.factories import TEST_PASSWORD, ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db

SECRET = "Confidential: I worry the author has a conflict with the sponsor."
TO_AUTHORS = "Please cite the 2024 guideline for the dose in kidney disease."
QUEUE = reverse("admin:editorial_assignment_changelist")


def review_url(assignment):
    return reverse("admin:editorial_assignment_review", args=[assignment.pk])


@pytest.fixture
def draft(article):
    """A first revision citing two references."""
    revision = RevisionFactory(
        article=article, number=1, body="The evidence is summarised here [1]. A trial agrees [2]."
    )
    ReferenceFactory(revision=revision, position=1)
    ReferenceFactory(revision=revision, position=2, title="A 2025 trial")
    return revision


@pytest.fixture
def pair(accepted, members, chair):
    """Two accepted reviewers on the submission (quorum 2): Dr. Ada Reyes and Dr. Ben
    Okafor."""
    second = services.assignment_create(
        submission=accepted.submission, reviewer=members[1], actor=chair
    )
    return accepted, services.assignment_accept(assignment=second, actor=members[1].user)


def post_decision(client, assignment, **data):
    client.force_login(assignment.reviewer.user)
    return client.post(
        review_url(assignment),
        {
            "confirmed_no_conflict": "on",
            "password": TEST_PASSWORD,
            "revision": assignment.submission.revision_id,
            **data,
        },
    )


# --- The screen ---------------------------------------------------------------------------


def test_the_revision_is_rendered_with_the_readers_styles(client, pair):
    first, _ = pair
    client.force_login(first.reviewer.user)
    html = client.get(review_url(first)).text
    assert "editorial/review.css" in html
    assert '<div class="reader-view">' in html
    assert '<p class="summary-label">In short</p>' in html
    assert '<span class="ref-number" aria-hidden="true">2</span>' in html
    assert "reader-preview" not in html  # the admin-styled preview is gone


def test_the_decision_panel_is_one_link_away_and_says_your_decision_once(client, pair):
    first, _ = pair
    client.force_login(first.reviewer.user)
    html = client.get(review_url(first)).text
    assert html.count("Your decision") == 1
    assert '<a href="#decision">Go to your decision</a>' in html
    assert '<aside class="decision-panel" id="decision"' in html
    # The panel comes before the page's long sections close: it sits beside the article.
    assert html.index('id="decision"') > html.index('class="reader-view"')
    assert 'class="button default decide-button">Sign and record my decision' in html
    assert 'style="' not in html.split('id="content"')[1]  # CSP: no inline styles


def test_the_screen_shows_the_quorum_progress_before_deciding(client, pair):
    first, second = pair
    services.assignment_decide(
        assignment=second,
        actor=second.reviewer.user,
        outcome=DecisionOutcome.APPROVE,
        password=TEST_PASSWORD,
        confirmed_no_conflict=True,
    )
    client.force_login(first.reviewer.user)
    html = client.get(review_url(first)).text
    assert "1 of 2 approvals so far; waiting for you." in html


def test_an_invited_reviewer_accepts_with_the_main_button_and_declines_apart(client, invited):
    client.force_login(invited.reviewer.user)
    html = client.get(review_url(invited)).text
    assert 'class="button default decide-button">Accept the review</button>' in html
    assert '<details class="panel-details" id="decline">' in html
    assert '<label for="decline-reason">Reason for declining (optional)</label>' in html
    assert 'id="decline-reason" name="reason"' in html
    assert "Reason (optional)" not in html


# --- Comments to the authors and to the chair ---------------------------------------------


def test_both_comments_are_saved_apart(client, pair):
    first, _ = pair
    response = post_decision(
        client,
        first,
        outcome="request_changes",
        comment=TO_AUTHORS,
        confidential_comment=SECRET,
        checked_references=["1", "2"],
    )
    assert response.status_code == 302
    decision = Decision.objects.get(assignment=first)
    assert decision.comment == TO_AUTHORS
    assert decision.confidential_comment == SECRET
    assert decision.checked_references == [1, 2]


@pytest.fixture
def changes_with_secret(client, pair):
    first, _ = pair
    post_decision(
        client,
        first,
        outcome="request_changes",
        comment=TO_AUTHORS,
        confidential_comment=SECRET,
        checked_references=["2"],
    )
    return Decision.objects.get(assignment=first)


def test_the_confidential_comment_never_reaches_the_author(client, changes_with_secret, author):
    client.force_login(author)
    article = changes_with_secret.submission.article
    page = client.get(reverse("author:detail", args=[article.pk])).text
    assert TO_AUTHORS in page
    assert SECRET not in page
    for notification in Notification.objects.all():  # the author's email among them
        assert SECRET not in notification.subject + notification.body_text + notification.body_html
    assert Notification.objects.filter(recipient=author).exists()


def test_the_confidential_comment_is_in_no_audit_entry_or_signature(changes_with_secret):
    for entry in AuditEntry.objects.all():
        assert SECRET not in entry.comment + json.dumps(entry.data)
    signature = Signature.objects.get(decision=changes_with_secret)
    assert SECRET not in json.dumps(signature.as_record(), default=str)
    assert SECRET not in signature.manifestation


def test_the_chair_reads_it_on_the_submission_page_and_in_the_decision_admin(
    client, changes_with_secret, chair
):
    client.force_login(chair)
    submission_page = client.get(
        reverse("admin:editorial_submission_change", args=[changes_with_secret.submission_id])
    ).text
    assert SECRET in submission_page
    assert "checked 1 of 2 references" in submission_page
    decision_page = client.get(
        reverse("admin:editorial_decision_change", args=[changes_with_secret.pk])
    ).text
    assert SECRET in decision_page
    assert "checked 1 of 2 references (numbers 2)" in decision_page


def test_another_reviewer_on_the_submission_page_does_not_read_it(client, changes_with_secret):
    other = changes_with_secret.submission.assignments.exclude(
        pk=changes_with_secret.assignment_id
    ).get()
    client.force_login(other.reviewer.user)
    page = client.get(
        reverse("admin:editorial_submission_change", args=[changes_with_secret.submission_id])
    )
    assert page.status_code == 200
    assert TO_AUTHORS in page.text
    assert SECRET not in page.text


def test_only_the_chairs_dossier_holds_it(changes_with_secret):
    article = changes_with_secret.submission.article
    chair_copy = dossiers.article_dossier(article, for_chair=True)
    assert chair_copy["confidential"]["comments_to_chair"] == [
        {
            "from": "Dr. Ada Reyes",
            "revision": 1,
            "at": chair_copy["confidential"]["comments_to_chair"][0]["at"],
            "comment": SECRET,
        }
    ]
    board_copy = dossiers.article_dossier(article, for_chair=False)
    assert SECRET not in dossiers.dossier_json(board_copy)


def test_an_approval_with_a_secret_keeps_it_out_of_every_public_place(client, pair, chair):
    WebhookEndpoint.objects.create(
        url="https://hooks.example.org/in", events=[str(action) for action in AuditAction]
    )
    for assignment in pair:
        post_decision(client, assignment, outcome="approve", confidential_comment=SECRET)
    article = pair[0].submission.article
    article.refresh_from_db()
    assert article.published_revision_id == pair[0].submission.revision_id
    assert SECRET not in SignedReviewRecord.objects.get(article=article).document
    client.logout()
    record = client.get(reverse("review_record", args=[article.slug]))
    assert record.status_code == 200
    assert SECRET not in record.text
    api = client.get(reverse("api:article-detail", args=[article.slug]))
    assert api.status_code == 200
    assert SECRET not in api.text
    assert SECRET not in client.get(article.get_absolute_url()).text
    assert WebhookDelivery.objects.exists()
    for delivery in WebhookDelivery.objects.all():
        assert SECRET not in delivery.body
    for notification in Notification.objects.all():
        assert SECRET not in notification.subject + notification.body_text + notification.body_html


# --- References checked --------------------------------------------------------------------


def test_a_reference_the_revision_does_not_cite_is_a_form_error(client, pair):
    first, _ = pair
    response = post_decision(client, first, outcome="approve", checked_references=["1", "9"])
    assert response.status_code == 400
    assert "Reference 9 is not in this revision" in response.text
    assert not Decision.objects.exists()


def test_the_service_refuses_a_reference_the_revision_does_not_cite(pair):
    first, _ = pair
    with pytest.raises(InvalidInput, match="Revision 1 has no reference 9"):
        services.assignment_decide(
            assignment=first,
            actor=first.reviewer.user,
            outcome=DecisionOutcome.APPROVE,
            password=TEST_PASSWORD,
            confirmed_no_conflict=True,
            checked_references=[9],
        )
    assert not Decision.objects.exists()


def test_the_checkboxes_list_the_revisions_references(client, pair):
    first, _ = pair
    client.force_login(first.reviewer.user)
    html = client.get(review_url(first)).text
    assert 'name="checked_references" value="2"' in html
    assert "2. A 2025 trial" in html


# --- Quorum progress -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "words"),
    [
        (QuorumProgress(quorum=2, approvals=0, waiting=["Dr A", "Dr B"], held=False),
         "0 of 2 approvals; waiting for Dr A and Dr B"),
        (QuorumProgress(quorum=3, approvals=1, waiting=["Dr A", "Dr B", "Dr C"], held=False),
         "1 of 3 approvals; waiting for Dr A, Dr B and Dr C"),
        (QuorumProgress(quorum=2, approvals=1, waiting=[], held=False),
         "1 of 2 approvals; the chair has yet to invite another reviewer"),
        (QuorumProgress(quorum=1, approvals=0, waiting=["Dr A"], held=False),
         "0 of 1 approval; waiting for Dr A"),
    ],
)  # fmt: skip
def test_quorum_progress_in_words(progress, words):
    assert progress.describe() == words


def test_after_the_first_approval_the_reviewer_is_told_who_is_left(client, pair):
    first, _ = pair
    response = post_decision(client, first, outcome="approve")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Your approval is recorded: 1 of 2 approvals; waiting for Dr. Ben Okafor."]


def test_the_approval_that_reaches_the_quorum_says_so(client, pair):
    first, second = pair
    post_decision(client, first, outcome="approve")
    response = post_decision(client, second, outcome="approve")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == "Quorum reached: the article is approved and published."


def test_the_message_for_a_change_request(changes_with_secret):
    assert decided_message(changes_with_secret).startswith("Your request for changes is recorded")


def test_quorum_progress_counts_this_submissions_approvals_only(pair):
    first, second = pair
    services.assignment_decide(
        assignment=first,
        actor=first.reviewer.user,
        outcome=DecisionOutcome.APPROVE,
        password=TEST_PASSWORD,
        confirmed_no_conflict=True,
    )
    progress = selectors.review_screen(second)["progress"]
    assert (progress.approvals, progress.quorum, progress.waiting) == (1, 2, ["Dr. Ben Okafor"])


def test_a_wrong_password_keeps_what_the_reviewer_wrote(client, pair):
    first, _ = pair
    response = post_decision(
        client, first, outcome="request_changes", comment=TO_AUTHORS, password="wrong"
    )
    assert response.status_code == 400
    assert "The password is not correct." in response.text
    assert TO_AUTHORS in response.text
    assert not Decision.objects.exists()


# --- The queue -----------------------------------------------------------------------------


@pytest.fixture
def second_revision_assignment(members, chair, author, article):
    revision = RevisionFactory(article=article, number=2, title="Is a second look needed?")
    ReferenceFactory(revision=revision, position=1)
    submission = services.submission_submit(article=article, revision=revision, actor=author)
    return services.assignment_create(submission=submission, reviewer=members[0], actor=chair)


def test_the_queue_reads_plainly(client, second_revision_assignment, author):
    assignment = second_revision_assignment
    client.force_login(assignment.reviewer.user)
    html = client.get(QUEUE).text
    submitted = assignment.submission.submitted_at
    assert "(revision 2)" in html
    assert 'class="quiet">r2' not in html
    assert author.get_full_name() in html
    day = submitted.astimezone().date()
    assert f'<time datetime="{day.isoformat()}">{day.day} {day:%b %Y}</time>' in html
    due = assignment.response_due
    assert f'Answer due <time datetime="{due.isoformat()}">' in html
    assert f">{due.isoformat()}<" not in html  # no ISO dates for people
    assert f"{reverse('admin:editorial_assignment_review', args=[assignment.pk])}#decline" in html


def test_a_reviewer_gets_only_the_filters_and_lists_they_need(client, invited, chair):
    client.force_login(invited.reviewer.user)
    response = client.get(QUEUE)
    assert 'id="nav-sidebar"' not in response.text
    assert "submission__article__topic" not in response.context["cl"].list_filter
    assert "reviewer" not in response.context["cl"].list_filter
    assert "Withdrawn" not in response.text
    client.force_login(chair)
    response = client.get(QUEUE)
    assert 'id="nav-sidebar"' in response.text
    assert "submission__article__topic" in response.context["cl"].list_filter
    assert "By reviewer" in response.text and "Withdrawn" in response.text


def test_the_review_screen_has_no_model_sidebar_for_the_chair_either(client, invited, chair):
    client.force_login(chair)
    response = client.get(review_url(invited))
    assert response.status_code == 200
    assert 'id="nav-sidebar"' not in response.text
