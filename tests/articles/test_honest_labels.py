"""A page never says more than happened (issue 11 §1): an override is labelled as one on
the page, in the tracker and in JSON-LD; a pending article can be published per topic; the
literature date the reviewers give is shown and in the structured data."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from editorial import services
from editorial.models import DecisionOutcome
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

REASON = "Safety update on dosing; the second reviewer is on leave."


def json_ld(html):
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )


def override_approve(submission, chair, **extra):
    return services.submission_override(
        submission=submission,
        actor=chair,
        outcome=DecisionOutcome.APPROVE,
        reason=REASON,
        password=TEST_PASSWORD,
        **extra,
    )


def test_an_override_approval_with_no_board_approval_says_so_and_names_nobody(
    client, accepted, chair
):
    override_approve(accepted.submission, chair)
    article = Article.objects.get(pk=accepted.submission.article_id)
    cache.clear()

    html = client.get(article.get_absolute_url()).content.decode()

    banner = re.search(r'<p class="banner banner-override".*?</p>', html, re.S).group(0)
    assert "Approved by the editorial chair without the board's quorum" in banner
    assert REASON in banner
    assert timezone.localdate().strftime("%B %-d, %Y") in banner
    assert "No board reviewer has approved it." in banner
    assert "Reviewed by" not in html
    assert "Dr. Chair" not in html
    assert "step-override" in html and "Approved by chair override" in html
    data = json_ld(html)
    assert "reviewedBy" not in data  # neither a person nor the board is claimed
    assert data["lastReviewed"] == timezone.localdate().isoformat()
    assert "without the board's quorum" in html  # the history says it too


def test_an_override_after_one_approval_names_only_that_reviewer(client, submitted, members, chair):
    assignments = [
        services.assignment_accept(
            assignment=services.assignment_create(
                submission=submitted, reviewer=member, actor=chair
            ),
            actor=member.user,
        )
        for member in members[:2]
    ]
    services.assignment_decide(
        assignment=assignments[0],
        actor=members[0].user,
        outcome=DecisionOutcome.APPROVE,
        confirmed_no_conflict=True,
        password=TEST_PASSWORD,
    )
    override_approve(submitted, chair)
    article = Article.objects.get(pk=submitted.article_id)
    assert [r["name"] for r in article.reviewed_by] == ["Dr. Ada Reyes"]
    cache.clear()

    html = client.get(article.get_absolute_url()).content.decode()

    data = json_ld(html)
    assert [person["name"] for person in data["reviewedBy"]] == ["Dr. Ada Reyes"]
    assert "Board reviewers who approved it:" in html
    record = article.review_records.get()
    assert record.is_override and record.override_reason == REASON


def test_a_quorum_approval_is_not_labelled_an_override(client, submitted, members, chair):
    for member in members[:2]:
        assignment = services.assignment_accept(
            assignment=services.assignment_create(
                submission=submitted, reviewer=member, actor=chair
            ),
            actor=member.user,
        )
        services.assignment_decide(
            assignment=assignment,
            actor=member.user,
            outcome=DecisionOutcome.APPROVE,
            confirmed_no_conflict=True,
            password=TEST_PASSWORD,
            literature_current_through=timezone.localdate()
            - datetime.timedelta(days=40 if member == members[0] else 10),
        )
    article = Article.objects.get(pk=submitted.article_id)
    assert not article.approved_by_override
    # The board vouches for the literature up to the earliest date an approver gave.
    earliest = timezone.localdate() - datetime.timedelta(days=40)
    assert article.literature_current_through == earliest
    cache.clear()

    html = client.get(article.get_absolute_url()).content.decode()

    assert "banner-override" not in html and "step-override" not in html
    assert "Literature current through" in html
    assert earliest.strftime("%B %-d, %Y") in html
    data = json_ld(html)
    assert data["temporalCoverage"] == f"../{earliest.isoformat()}"
    assert [p["name"] for p in data["reviewedBy"]] == ["Dr. Ada Reyes", "Dr. Ben Okafor"]


def test_an_override_literature_date_defaults_to_the_decision_date(accepted, chair):
    override_approve(accepted.submission, chair)
    article = Article.objects.get(pk=accepted.submission.article_id)
    assert article.literature_current_through == timezone.localdate()


def test_a_topic_can_publish_pending_articles_without_the_site_wide_policy(client, submitted):
    article = submitted.article
    cache.clear()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get("/").content.decode().count("Pending human review") == 0

    article.topic.publish_pending = True
    article.topic.save()  # a watched model: the cached pages are forgotten

    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<span class="banner-label">Educational purpose only</span> <span aria-hidden="true">•'
        "</span> <strong>Exercise caution as content is pending human review</strong>" in html
    )
    assert '<meta name="robots" content="noindex">' in html
    assert re.findall(r'class="step-label">([^<]+)<', html) == [
        "Submitted",
        "Under review",
        "Approved",
    ]
    listing = client.get("/").content.decode()
    assert "Pending human review" in listing
    assert submitted.revision.title in listing
    policy = client.get("/editorial-policy/").content.decode()
    assert f"Articles on {article.topic.name} may be shown while still in review" in policy
