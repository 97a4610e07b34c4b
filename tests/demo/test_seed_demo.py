"""The demo as ``make run`` seeds it: approvals went through the board's assignments and
decisions (issue 3), the reviewers' queues have open work (one review overdue), a conflict
is declared, the chair is the chair by group and wrote the policy through the audited
service, and running seed_demo again changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Revision, Topic
from editorial.models import (
    Assignment,
    AssignmentState,
    AuditEntry,
    Decision,
    DecisionOutcome,
    EditorialPolicy,
    Submission,
    SubmissionState,
)
from editorial.roles import CHAIR_GROUP, is_chair
from reviewers.models import BoardMember, ConflictOfInterest

pytestmark = pytest.mark.django_db


def test_approvals_went_through_two_reviewers_decisions(seeded_demo):
    article = Article.objects.get(slug="vitamin-b12-deficiency-restless-legs")
    approvals = Decision.objects.filter(
        submission__article=article, outcome=DecisionOutcome.APPROVE
    ).select_related("assignment__reviewer__user")
    assert sorted(d.assignment.reviewer.user.username for d in approvals) == [
        "reviewer1",
        "reviewer2",
    ]
    assert [r["name"] for r in article.reviewed_by] == ["Dr. Priya Raman", "Dr. Tomás Ferreira"]
    approval = AuditEntry.objects.get(article=article, action="submission.approve")
    assert approval.data["quorum"] == 2


def test_the_queues_have_open_work_one_review_overdue(seeded_demo):
    open_by_reviewer = {}
    for assignment in Assignment.objects.open().with_due().select_related("reviewer__user"):
        open_by_reviewer.setdefault(assignment.reviewer.user.username, []).append(assignment)
    assert set(open_by_reviewer) >= {"reviewer1", "reviewer2", "reviewer3"}
    overdue = [a for a in Assignment.objects.open().with_due() if a.is_overdue]
    assert len(overdue) == 1
    assert overdue[0].state == AssignmentState.ACCEPTED
    assert overdue[0].reviewer.user.username == "reviewer2"


def test_a_conflict_is_declared_and_respected(seeded_demo):
    conflict = ConflictOfInterest.objects.get()
    assert conflict.member.user.username == "reviewer3"
    assert not Assignment.objects.filter(
        reviewer=conflict.member, submission__article__authors=conflict.author
    ).exists()


def test_every_article_is_in_its_state(seeded_demo):
    newest = {
        slug: Submission.objects.filter(article__slug=slug).order_by("-pk").first()
        for slug in Article.objects.values_list("slug", flat=True)
    }
    assert {slug: s and s.state for slug, s in newest.items()} == {
        "vitamin-b12-deficiency-restless-legs": SubmissionState.APPROVED,
        "iron-testing-restless-legs-syndrome": SubmissionState.UNDER_REVIEW,
        "acid-suppressants-vitamin-b12-deficiency": SubmissionState.APPROVED,
        "celiac-disease-iron-b12-testing": SubmissionState.SUBMITTED,
        "metformin-vitamin-b12-deficiency": SubmissionState.UNDER_REVIEW,
        "ferritin-threshold-iron-deficiency": SubmissionState.CHANGES_REQUESTED,
        "ginkgo-biloba-dementia-prevention": SubmissionState.REJECTED,
        "aspirin-primary-prevention-over-70": SubmissionState.WITHDRAWN,
        "magnesium-nocturnal-leg-cramps": None,
        "oral-vitamin-b12-instead-of-injections": SubmissionState.APPROVED,
    }
    iron = Article.objects.get(slug="iron-testing-restless-legs-syndrome")
    assert iron.published_revision.number == 1
    assert iron.revisions.count() == 2


def test_the_chair_is_the_chair_by_group_and_wrote_the_policy_through_the_service(
    seeded_demo,
):
    chair = get_user_model().objects.get(username="chair")
    assert list(chair.groups.values_list("name", flat=True)) == [CHAIR_GROUP]
    assert is_chair(chair)
    policy = EditorialPolicy.load()
    assert policy.policy_text.startswith("## How our articles are reviewed")
    assert f"at least **{policy.quorum} reviewers**" in policy.policy_text
    entry = AuditEntry.objects.get(action="policy.update")
    assert entry.actor == chair
    assert entry.data == {"changes": {"policy_text": {"changed": True}}}


def test_running_it_again_changes_nothing(seeded_demo):
    def snapshot():
        return {
            model.__name__: model.objects.count()
            for model in (get_user_model(), Article, Revision, Assignment, Decision, AuditEntry)
        } | {"policy": EditorialPolicy.load().policy_text}

    seeded = snapshot()
    call_command("seed_demo", force=True, verbosity=0)
    assert snapshot() == seeded
    call_command("verify_audit")


def test_the_override_approved_article_tells_the_truth_on_its_page(seeded_demo, client):
    """Issue 11, done when: on the demo, an override-approved article says so on its page
    and in JSON-LD, and a pending article of a topic that publishes them is shown beside
    the approved ones."""
    import json
    import re

    article = Article.objects.get(slug="oral-vitamin-b12-instead-of-injections")
    assert article.approved_by_override
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Approved by the editorial chair without the board's quorum" in html
    assert "injection shortage" in html
    assert "Approved by chair override" in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert [person["name"] for person in data["reviewedBy"]] == ["Dr. Tomás Ferreira"]

    pending = Article.objects.get(slug="celiac-disease-iron-b12-testing")
    page = client.get(pending.get_absolute_url()).content.decode()
    assert "Exercise caution as content is pending human review" in page
    assert '<meta name="robots" content="noindex">' in page
    listing = client.get("/").content.decode()
    assert "Pending human review" in listing
    assert article.published_revision.title in listing


def test_the_b12_article_has_its_own_plain_language_summary_and_safety_note(seeded_demo, client):
    article = Article.objects.get(slug="vitamin-b12-deficiency-restless-legs")
    revision = article.published_revision
    assert revision.patient_summary.startswith("Maybe, but doctors are not sure [2, 3].")
    assert "See a doctor soon if your feet or legs go numb" in revision.patient_safety_note
    html = client.get(article.get_absolute_url(), {"audience": "patient"}).text
    assert "Maybe, but doctors are not sure" in html
    safety = html[html.index('id="safety-heading"') : html.index("</aside>")]
    assert "See a doctor soon" in safety
    assert "A normal hemoglobin and mean cell volume" not in safety


def test_board_credentials_name_no_specialty_outside_the_members_topics(seeded_demo):
    """The board page's headings and specialty tags agree (issue 10)."""
    topic_names = set(Topic.objects.values_list("name", flat=True))
    for member in BoardMember.objects.prefetch_related("specialties"):
        own = {topic.name for topic in member.specialties.all()}
        named = {name for name in topic_names if name in member.credentials}
        assert named <= own, member
