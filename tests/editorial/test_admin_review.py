"""The review screen of one assignment (issue 3): the pinned revision rendered as readers
will see it, its references, the diff against the last approved revision, the author's
note, earlier decisions, and the decision form."""

import pytest
from django.urls import reverse

from articles.services import revision_draft_for_edit, revision_update_draft
from editorial import services
from editorial.models import AssignmentState, AuditEntry, Decision, DecisionOutcome
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def review_url(assignment):
    return reverse("admin:editorial_assignment_review", args=[assignment.pk])


@pytest.fixture
def second_round(accepted, members, chair, author):
    """Revision 1 approved by two reviewers; revision 2 (a change to the body and a new
    reference) submitted with a note, and reviewer 3 accepted its review."""
    second = services.assignment_create(
        submission=accepted.submission, reviewer=members[1], actor=chair
    )
    services.assignment_accept(assignment=second, actor=members[1].user)
    for assignment in (accepted, second):
        services.assignment_decide(
            password=TEST_PASSWORD,
            assignment=assignment,
            actor=assignment.reviewer.user,
            outcome=DecisionOutcome.APPROVE,
            comment="Clear and accurate." if assignment == accepted else "",
            confirmed_no_conflict=True,
        )
    article = accepted.submission.article
    draft = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(
        revision=draft,
        body="The evidence is summarised here [1]. A 2025 trial <script>x</script> agrees [2].",
        references=[
            ref.canonical() for ref in draft.references.all()
        ] + [{"position": 2, "kind": "research", "title": "A 2025 trial", "source": "BMJ",
              "year": 2025, "doi": "", "pmid": "", "url": ""}],
    )  # fmt: skip
    submission = services.submission_submit(
        article=article, revision=draft, actor=author, note="Added the 2025 trial."
    )
    third = services.assignment_create(submission=submission, reviewer=members[2], actor=chair)
    return services.assignment_accept(assignment=third, actor=members[2].user)


def test_the_review_screen_shows_everything_a_reviewer_needs(client, second_round):
    client.force_login(second_round.reviewer.user)
    response = client.get(review_url(second_round))
    assert response.status_code == 200
    html = response.text
    revision = second_round.submission.revision
    assert f'<h3 class="reader-title">{revision.title}</h3>' in html
    # The body as readers get it: citations linked, the script tag stripped.
    assert 'href="#ref-2"' in html
    assert "<script>x</script>" not in html
    assert '<li id="ref-2">' in html and "A 2025 trial" in html
    # The diff against revision 1, rendered and marked word by word, the script stripped.
    assert "Revision 1 (approved) → revision 2" in html
    body = next(f for f in response.context["diff"] if f["label"].startswith("Answer for"))
    [changed] = [row for row in body["rows"] if row["kind"] == "changed"]
    assert "inserted: </span>A 2025 trial" in changed["html"]
    assert "<script" not in changed["html"] and "<script" not in changed["new"]
    assert "Added the 2025 trial." in html
    # Earlier decisions, with their comments.
    assert "Revision 1: <strong>Approve</strong>" in html
    assert "Clear and accurate." in html
    assert 'name="confirmed_no_conflict"' in html
    assert f'name="revision" value="{revision.pk}"' in html


def test_a_first_revision_has_no_diff(client, accepted):
    client.force_login(accepted.reviewer.user)
    response = client.get(review_url(accepted))
    assert "No earlier revision of this article was approved" in response.text


def test_a_decision_through_the_form(client, second_round):
    client.force_login(second_round.reviewer.user)
    response = client.post(
        review_url(second_round),
        {
            "outcome": "request_changes",
            "comment": "Reference 2 is a preprint; cite the published version.",
            "confirmed_no_conflict": "on",
            "password": TEST_PASSWORD,
            "revision": second_round.submission.revision_id,
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(assignment=second_round)
    assert decision.outcome == DecisionOutcome.REQUEST_CHANGES


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "reject", "comment": "", "confirmed_no_conflict": "on",
          "password": TEST_PASSWORD}, "A comment to the authors is required to reject."),
        ({"outcome": "approve", "comment": ""}, "Confirm that you have no conflict of interest."),
        ({"comment": "Fine", "confirmed_no_conflict": "on", "password": TEST_PASSWORD},
         "Choose approve, request changes or reject."),
    ],
)  # fmt: skip
def test_a_bad_decision_form_is_shown_again_with_its_error(client, accepted, data, message):
    client.force_login(accepted.reviewer.user)
    before = AuditEntry.objects.count()
    response = client.post(
        review_url(accepted), {**data, "revision": accepted.submission.revision_id}
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Decision.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_stale_form_for_a_superseded_revision_is_refused_with_a_message(client, second_round):
    first_revision = Decision.objects.order_by("pk").first().revision
    client.force_login(second_round.reviewer.user)
    response = client.post(
        review_url(second_round),
        {
            "outcome": "approve",
            "confirmed_no_conflict": "on",
            "password": TEST_PASSWORD,
            "revision": first_revision.pk,
        },
        follow=True,
    )
    assert "Revision 1 has been superseded" in response.text
    assert not Decision.objects.filter(assignment=second_round).exists()


def test_declaring_a_conflict_from_the_review_screen_steps_back(client, accepted):
    client.force_login(accepted.reviewer.user)
    response = client.post(
        reverse("admin:editorial_assignment_conflict", args=[accepted.pk]),
        {"reason": "I treated the author's family."},
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.WITHDRAWN
    assert AuditEntry.objects.filter(action="conflict.declare").count() == 1


def test_the_chair_reads_a_review_screen_but_does_not_decide(client, accepted, chair):
    client.force_login(chair)
    assert client.get(review_url(accepted)).status_code == 200
    response = client.post(
        review_url(accepted),
        {"outcome": "approve", "confirmed_no_conflict": "on",
"password": TEST_PASSWORD,
         "revision": accepted.submission.revision_id},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_a_re_review_of_the_published_revision_shows_no_changes(client, submitted, members, chair):
    services.submission_start_review(submission=submitted, actor=chair)
    services.submission_override(
        password=TEST_PASSWORD,
        submission=submitted,
        actor=chair,
        outcome="approve",
        reason="Seed content.",
    )
    re_review = services.submission_open_re_review(
        article=submitted.article, reason="Twelve months have passed.", actor=chair
    )
    assignment = services.assignment_create(submission=re_review, reviewer=members[0], actor=chair)
    client.force_login(members[0].user)
    response = client.get(review_url(assignment))
    assert "No changes since revision 1 was approved." in response.text
    assert "Twelve months have passed." in response.text
