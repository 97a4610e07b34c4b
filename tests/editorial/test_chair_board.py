"""The chair's screens (issue 10): the board view as one card per submission, assigning with
a due date and a message, the override's confirmation page, and the readable audit trail
with its chain check."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.audit import verify_entries
from editorial.models import (
    Assignment,
    AuditEntry,
    DecisionOutcome,
    Notification,
    Submission,
    SubmissionState,
)
from editorial.selectors import article_audit_trail
from tests.factories import TEST_PASSWORD, BoardMemberFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("admin:editorial_board")


def card(html, submission):
    """The HTML of one submission's card on the board view."""
    start = html.index(f'id="submission-{submission.pk}"')
    end = html.find("<article ", start)
    return html[start : end if end != -1 else len(html)]


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def override_url(submission):
    return reverse("admin:editorial_submission_override", args=[submission.pk])


# --- The board view: one card per submission ---------------------------------------------


def test_a_submission_without_reviewers_is_a_card_that_says_so_with_its_assign_action(
    client, chair, submitted, members, author
):
    client.force_login(chair)
    html = client.get(BOARD).text
    own = card(html, submitted)
    assert "No reviewers yet." in own
    assert reverse("admin:editorial_submission_assign", args=[submitted.pk]) in own
    assert "0 of 2 approvals" in text(own)
    assert "submitted today" in own
    assert author.get_full_name() in own, "the author is shown, to check conflicts by eye"


def test_every_card_in_review_has_its_reviewers_states_and_an_override(
    client, chair, accepted, members, author, django_user_model
):
    """Issue 10: "Override the board" appeared under one item only, and the reviewers'
    table of the next submission read as the previous one's."""
    services.assignment_create(submission=accepted.submission, reviewer=members[1], actor=chair)
    declined = services.assignment_create(
        submission=accepted.submission, reviewer=members[2], actor=chair
    )
    services.assignment_decline(assignment=declined, actor=declined.reviewer.user, reason="Away")
    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=accepted,
        actor=accepted.reviewer.user,
        outcome=DecisionOutcome.APPROVE,
        comment="",
        confirmed_no_conflict=True,
    )
    client.force_login(chair)

    own = text(card(client.get(BOARD).text, accepted.submission))

    assert "1 of 2 approvals" in own
    assert "Dr. Ada Reyes Decided: Approve" in own
    assert "Dr. Ben Okafor Invited reply due" in own
    assert "Dr. Chloe Varga Declined" in own
    assert "Override the board" in own
    assert "No reviewers yet." not in own


def test_suggestions_exclude_the_chair_and_the_authors_and_say_why(
    client, chair, submitted, members, author
):
    BoardMemberFactory(user=author, display_name="Dr. Maya Writer", specialties=[])
    client.force_login(chair)
    own = card(client.get(BOARD).text, submitted)
    suggested = own[own.index("Suggested reviewers") : own.index("Reply due by")]
    assert "Dr. Chair" not in suggested and "Dr. Maya Writer" not in suggested
    assert f"Specialty: {submitted.article.topic.name} · 0 of 5 open reviews" in suggested
    assert "no completed reviews yet" in suggested
    not_suggested = own[own.index("Not suggested") :]
    assert "Dr. Chair chairs the board" in not_suggested
    assert "Dr. Maya Writer is an author of this article." in not_suggested
    assert "checked" not in suggested, "no reviewer is chosen for the chair"


# --- Assigning with a due date and a message ---------------------------------------------


def test_the_chair_assigns_with_a_due_date_and_a_message_that_the_invitation_carries(
    client, chair, submitted, members, django_capture_on_commit_callbacks
):
    due = timezone.localdate() + datetime.timedelta(days=4)
    client.force_login(chair)
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("admin:editorial_submission_assign", args=[submitted.pk]),
            {
                "reviewer": members[0].pk,
                "response_due": due.isoformat(),
                "message": "Ada, this one is about the new\ndosing table.",
            },
            follow=True,
        )
    assert "Dr. Ada Reyes is invited to review." in response.text
    assignment = Assignment.objects.get(submission=submitted)
    assert assignment.response_due == due
    assert assignment.invitation_message == "Ada, this one is about the new\ndosing table."
    invitation = Notification.objects.get(assignment=assignment)
    assert invitation.subject.startswith("Invitation to review: ")
    assert "Ada, this one is about the new\ndosing table." in invitation.body_text
    assert "A note from" in invitation.body_text
    assert "Ada, this one is about the new<br>dosing table." in invitation.body_html
    assert f"accept or decline by {due:%B} {due.day}, {due.year}" in invitation.body_text


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("yesterday", "The due date cannot be in the past."),
        ("31/12/2026", "The due date is not a date: use the form YYYY-MM-DD."),
        ("2026-02-30", "The due date is not a date: use the form YYYY-MM-DD."),
    ],
)
def test_a_bad_due_date_is_a_form_error_and_changes_nothing(
    client, chair, submitted, members, due, message
):
    if due == "yesterday":
        due = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    before = AuditEntry.objects.count(), Notification.objects.count()
    client.force_login(chair)
    response = client.post(
        reverse("admin:editorial_submission_assign", args=[submitted.pk]),
        {"reviewer": members[0].pk, "response_due": due, "message": "Please."},
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Assignment.objects.exists()
    assert (AuditEntry.objects.count(), Notification.objects.count()) == before


# --- The override: a reason, a confirmation page, then the signed override ----------------


def test_the_override_form_chooses_no_outcome_for_the_chair(client, chair, accepted):
    """Issue 10: the form defaulted to "Approve and publish"."""
    client.force_login(chair)
    own = card(client.get(BOARD).text, accepted.submission)
    form = own[own.index(override_url(accepted.submission)) :]
    assert 'type="radio" name="outcome"' in form
    assert "selected" not in form[: form.index("</form>")]
    assert "checked" not in form[: form.index("</form>")]


def test_the_first_post_only_shows_what_readers_will_be_told(client, chair, accepted):
    submission = accepted.submission
    before = AuditEntry.objects.count()
    client.force_login(chair)

    page = client.post(
        override_url(submission),
        {"outcome": "approve", "reason": "Urgent safety update; I checked it myself."},
    )

    assert page.status_code == 200
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.UNDER_REVIEW
    assert AuditEntry.objects.count() == before
    words = text(page.text)
    assert "Nothing has changed yet." in words
    assert "Readers will see" in words
    today = timezone.localdate()
    assert (
        "Approved by the editorial chair without the board's quorum, on "
        f"{today:%B} {today.day}, {today.year}: Urgent safety update; I checked it myself."
    ) in words
    assert "No board reviewer has approved it." in words
    assert "Cancel, change nothing" in words
    assert f'href="{BOARD}#submission-{submission.pk}"' in page.text
    assert 'name="confirm"' in page.text
    assert "Sign and approve and publish" in words


def test_the_confirmation_quotes_what_the_article_page_then_shows(client, chair, accepted):
    """The statement on the confirmation page is the reader page's, word for word."""
    submission = accepted.submission
    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=accepted,
        actor=accepted.reviewer.user,
        outcome=DecisionOutcome.APPROVE,
        comment="",
        confirmed_no_conflict=True,
    )
    reason = "Urgent safety update; the second reviewer is away."
    client.force_login(chair)
    confirm = client.post(override_url(submission), {"outcome": "approve", "reason": reason})
    quoted = re.search(
        r'<blockquote class="reader-quote" id="reader-statement">(.*?)</blockquote>',
        confirm.text,
        re.S,
    ).group(1)
    assert "Board reviewers who approved it:" in quoted and "Dr. Ada Reyes" in quoted

    done = client.post(
        override_url(submission),
        {"outcome": "approve", "reason": reason, "password": TEST_PASSWORD, "confirm": "1"},
    )

    assert done.status_code == 302
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.APPROVED
    reader = client.get(submission.article.get_absolute_url()).text
    assert text(quoted) in text(reader)


def test_a_rejection_override_says_readers_see_nothing_and_what_the_authors_get(
    client, chair, accepted
):
    client.force_login(chair)
    page = client.post(
        override_url(accepted.submission), {"outcome": "reject", "reason": "Out of scope."}
    )
    words = text(page.text)
    assert "Readers see no change" in words
    assert f"Not approved: {accepted.submission.revision.title}" in words
    assert "Sign and reject" in words


def test_a_wrong_password_on_the_confirmation_page_changes_nothing(client, chair, accepted):
    submission = accepted.submission
    client.force_login(chair)
    page = client.post(
        override_url(submission),
        {"outcome": "approve", "reason": "Urgent.", "password": "wrong", "confirm": "1"},
    )
    assert page.status_code == 200
    assert "Readers will see" in page.text, "back on the confirmation page"
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.UNDER_REVIEW
    missing = client.post(
        override_url(submission), {"outcome": "approve", "reason": "Urgent.", "confirm": "1"}
    )
    assert "Re-enter your password to sign the decision." in missing.text
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.UNDER_REVIEW


def test_the_override_posts_need_the_csrf_token(chair, accepted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)
    response = client.post(
        override_url(accepted.submission),
        {"outcome": "approve", "reason": "Urgent.", "password": TEST_PASSWORD, "confirm": "1"},
    )
    assert response.status_code == 403
    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.UNDER_REVIEW
    page = client.get(BOARD)
    assert page.text.count('name="csrfmiddlewaretoken"') == page.text.count('method="post"')


# --- The audit trail: sentences, links, the chain check ----------------------------------


def submission_page(client, submission):
    return client.get(reverse("admin:editorial_submission_change", args=[submission.pk])).text


def test_the_audit_trail_reads_as_sentences_with_links_and_a_verified_chain(
    client, chair, accepted
):
    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=accepted,
        actor=accepted.reviewer.user,
        outcome=DecisionOutcome.APPROVE,
        comment="",
        confirmed_no_conflict=True,
    )
    client.force_login(chair)
    html = submission_page(client, accepted.submission)
    words = text(html)

    assert "Dr. Ada Reyes approved revision 1." in words
    assert "Dr. Chair invited Dr. Ada Reyes to review revision 1." in words
    assert "(Invited → Accepted)" in words
    assert "(Submitted → Under review)" in words
    assert "editorial.assignment:" not in html and "assignment.accept" not in html
    assignment_page = reverse("admin:editorial_assignment_change", args=[accepted.pk])
    assert f'<a href="{assignment_page}">Dr. Ada Reyes approved revision 1</a>' in html
    count = AuditEntry.objects.filter(article_id=accepted.submission.article_id).count()
    assert re.search(
        rf"Audit chain verified at \d\d:\d\d on \d+ \w+ \d{{4}}: {count} entries of this "
        "article intact.",
        words,
    )
    assert html.index("Audit chain verified") < html.index("notifications-details")


def test_an_override_reads_as_the_chair_overriding_the_board(client, chair, accepted):
    services.submission_override(
        submission=accepted.submission,
        actor=chair,
        outcome=DecisionOutcome.APPROVE,
        reason="Urgent safety update.",
        password=TEST_PASSWORD,
    )
    client.force_login(chair)
    words = text(submission_page(client, accepted.submission))
    assert (
        "The chair, Dr. Chair, overrode the board and approved revision 1: Urgent safety update."
    ) in words
    assert "(Under review → Approved)" in words


def test_a_tampered_entry_is_shown_as_a_broken_chain(client, chair, accepted, disable_trigger):
    entry = AuditEntry.objects.filter(article_id=accepted.submission.article_id).earliest(
        "sequence"
    )
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE editorial_auditentry SET comment = 'forged' WHERE sequence = %s",
            [entry.sequence],
        )
    client.force_login(chair)
    words = text(submission_page(client, accepted.submission))
    assert (
        f"Audit chain BROKEN at entry #{entry.sequence}: its content does not match its hash"
    ) in words
    assert "Audit chain verified" not in words


def test_the_chain_check_costs_one_query_whatever_the_trail(
    client, chair, accepted, members, django_assert_max_num_queries
):
    """The page does not walk the whole log: the check reads only the neighbours of the
    article's entries, in one query."""
    entries = article_audit_trail(accepted.submission.article_id)
    with django_assert_max_num_queries(1):
        check = verify_entries(entries)
    assert check.intact and check.checked == len(entries)
