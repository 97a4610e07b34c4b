"""The published article page carries every element of the example page, follows the
review state, and never shows anything but approved (or, by policy, pending) content."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import RelatedQuestion, ReviewStatus
from articles.presentation import reader_context
from articles.services import revision_draft_for_edit, revision_update_draft
from editorial.models import EditorialPolicy
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def approved(author):
    article, revision = b12_article(author=author)
    reviewers = make_reviewers(2, tag="page")
    at = timezone.make_aware(datetime.datetime(2026, 1, 8, 10, 0))
    lock_and_publish(revision, reviewers=reviewers, approved_at=at)
    article.refresh_from_db()
    return article


def page(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response, response.content.decode()


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def current_step(html):
    match = re.search(r'<li class="step step-current" aria-current="step">(.*?)</li>', html, re.S)
    assert match, "no current step"
    return match.group(1)


def test_approved_page_names_its_reviewers_and_dates(client, approved):
    _, html = page(client, approved)
    assert (
        'All articles are reviewed for accuracy by our <a href="/board/">Medical Advisory Board</a>'
        in html
    )
    assert "Educational purpose only" in html
    assert '<a href="/board/#reviewer-1-page">Dr. Reviewer 1</a> (MD, Neurology)' in html
    assert '<a href="/board/#reviewer-2-page">Dr. Reviewer 2</a>' in html
    assert 'on <time datetime="2026-01-08">January 8, 2026</time>' in html
    assert "<dt>Last updated</dt>" in html
    assert "<dt>Page last reviewed</dt>" in html
    assert '<dt>Next review due</dt><dd><time datetime="2027-01-08">' in html
    assert '<a href="/editorial-policy/">View editorial policy</a>' in html
    assert "pending review" not in html
    assert 'name="robots"' not in html


def test_tracker_marks_the_current_step_with_text_and_aria_current(client, approved):
    _, html = page(client, approved)
    tracker = html[html.index('class="tracker"') : html.index("</ol>", html.index("tracker"))]
    assert tracker.count('aria-current="step"') == 1
    current = current_step(tracker)
    assert "Approved" in current and "current step" in current
    assert tracker.count(">done<") == 2


def test_references_are_numbered_typed_and_linked_both_ways(client, approved):
    _, html = page(client, approved)
    assert html.count('<li id="ref-') == 5
    assert '<span class="kind kind-guideline">Guideline</span>' in html
    assert '<span class="kind kind-research">Research</span>' in html
    assert '<a href="https://doi.org/10.1000/b12.rls.2022"' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/35000001/"' in html
    assert "Journal of Example Neurology, 2022" in html
    # The first citation of [3] is in the body; its reference links back to it.
    assert 'href="#ref-3" id="cite-3"' in html
    assert '<a href="#cite-3" class="backlink">' in html
    # [1] is first cited in the summary, which carries its anchor; the body's does not.
    assert html.count('id="cite-1"') == 1
    assert html.index('id="cite-1"') < html.index('class="body"')
    assert '<a href="#cite-1" class="backlink">' in html


def test_related_questions_are_curated_first_then_same_topic_approved_only(client, approved):
    reviewers = make_reviewers(1, tag="rel")
    same_topic = RevisionFactory(
        article=ArticleFactory(topic=approved.topic), number=1, title="Same topic question?"
    )
    lock_and_publish(same_topic, reviewers=reviewers)
    curated = RevisionFactory(article=ArticleFactory(), number=1, title="Curated question?")
    lock_and_publish(
        curated,
        reviewers=reviewers,
        approved_at=timezone.now() - datetime.timedelta(days=400),
    )
    RelatedQuestion.objects.create(article=approved, related=curated.article, position=1)
    RevisionFactory(article=ArticleFactory(topic=approved.topic), number=1, title="Draft only?")

    _, html = page(client, approved)
    related = html[html.index('id="related-heading"') :]
    related = related[: related.index("</section>")]
    assert related.index("Curated question?") < related.index("Same topic question?")
    assert "Draft only?" not in related


def test_review_history_lists_each_approval_with_fingerprint_and_what_changed(
    client, approved, author
):
    first = approved.published_revision
    draft = revision_draft_for_edit(article=approved, actor=author)
    revision_update_draft(revision=draft, summary="Yes, sometimes; iron matters more [1, 2].")
    lock_and_publish(draft, reviewers=make_reviewers(1, tag="second"))
    approved.refresh_from_db()

    _, html = page(client, approved)
    history = html[html.index('id="history-heading"') :]
    history = history[: history.index("</section>")]
    assert history.index("update approved") < history.index("first approved")
    assert f">{first.content_hash[:12]}</code>" in history
    assert draft.content_hash[:12] in history
    assert f'href="/articles/{approved.slug}/changes/1/2/"' in history


def test_disclaimer_and_the_way_to_ask_or_report(client, approved):
    _, html = page(client, approved)
    assert "Professional medical disclaimer" in html
    assert "call your local emergency number" in html
    assert "Have a follow-up question? Found an error?" in html
    feedback = f"/articles/{approved.slug}/feedback/"
    revision = approved.published_revision_id
    assert (
        f'href="{feedback}?kind=question&amp;revision={revision}">Ask a follow-up question' in html
    )
    assert f'href="{feedback}?kind=error&amp;revision={revision}">Report an error' in html


def test_json_ld_is_a_medical_web_page_with_review_facts(client, approved):
    _, html = page(client, approved)
    data = json_ld(html)
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == approved.published_revision.title
    assert data["about"]["name"] == approved.topic.name
    assert data["datePublished"].startswith("2026-01-08")
    assert data["dateModified"].startswith("2026-01-08")
    assert data["lastReviewed"] == "2026-01-08"
    assert data["author"] == [{"@type": "Person", "name": approved.authors.get().get_full_name()}]
    assert data["publisher"]["publishingPrinciples"].endswith("/editorial-policy/")
    assert {a["audienceType"] for a in data["audience"]} == {"Clinician", "Patient"}
    assert len(data["citation"]) == 5
    identifiers = data["citation"][1]["identifier"]
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/b12.rls.2022"} in (
        identifiers
    )
    assert {"@type": "PropertyValue", "propertyID": "PMID", "value": "35000001"} in identifiers
    reviewer = data["reviewedBy"][0]
    assert reviewer["@type"] == "Person"
    assert reviewer["name"] == "Dr. Reviewer 1"
    assert reviewer["honorificSuffix"] == "MD, Neurology"
    assert reviewer["url"].endswith("/board/#reviewer-1-page")
    assert reviewer["memberOf"]["name"].endswith("Medical Advisory Board")


def test_json_ld_dates_are_the_days_the_page_shows_in_the_sites_time_zone(client, author, settings):
    """Just after midnight in a time zone far ahead of UTC, the UTC date is the day
    before: the page and its metadata must both say the local day."""
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    article, revision = b12_article(author=author)
    at = timezone.make_aware(datetime.datetime(2026, 1, 8, 0, 30))
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="tz"), approved_at=at)
    article.refresh_from_db()

    _, html = page(client, article)
    data = json_ld(html)
    assert 'on <time datetime="2026-01-08">January 8, 2026</time>' in html
    assert data["lastReviewed"] == "2026-01-08"
    assert data["dateModified"].startswith("2026-01-08T00:30:00")
    assert data["dateModified"].endswith("+14:00")


def test_json_ld_cannot_be_broken_out_of_by_content(client, author):
    article, revision = b12_article(author=author)
    revision.title = "Is </script><script>alert(1)</script> safe & sound?"
    revision.save()
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="xss"))
    _, html = page(client, article)
    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == revision.title


def test_open_graph_and_canonical(client, approved, settings):
    _, html = page(client, approved)
    canonical = f"{settings.SITE_URL}/articles/{approved.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{approved.published_revision.title}">' in html


def test_audience_choice_switches_to_plain_language_and_keeps_safety(client, approved):
    response, html = page(client, approved, audience="patient")
    assert response.cookies["audience"].value == "patient"
    assert "Plain-language answer for patients and caregivers" in html
    assert "Restless legs can sometimes come from low vitamin B12" in html
    assert 'value="patient" aria-describedby="audience-hint" checked' in html
    # Safety information and the disclaimer stay in front of every reader.
    safety = html[html.index('id="safety-heading"') : html.index("</aside>")]
    assert "A normal blood count does not rule out B12 deficiency" in safety
    assert "Professional medical disclaimer" in html
    # The professional text is still on the page, one click away, without JavaScript.
    assert "Read the full answer written for healthcare professionals" in html

    # The cookie remembers the choice on the next visit.
    _, html = page(client, approved)
    assert "Plain-language answer for patients and caregivers" in html
    _, html = page(client, approved, audience="professional")
    assert "Answer written for healthcare professionals" in html
    assert 'id="safety-heading"' not in html


def test_patient_without_plain_language_version_gets_the_full_text_and_a_note(client, author):
    article, revision = b12_article(author=author)
    revision.patient_body = ""
    revision.save()
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="np"))
    _, html = page(client, article, audience="patient")
    assert "A plain-language version of this answer is not available yet" in html
    assert "A normal blood count does not rule out B12 deficiency" in html


def test_an_unknown_audience_is_ignored(client, approved):
    response, html = page(client, approved, audience="<script>")
    assert "audience" not in response.cookies
    assert "Answer written for healthcare professionals" in html


def test_readers_see_the_approved_text_not_a_newer_draft(client, approved, author):
    draft = revision_draft_for_edit(article=approved, actor=author)
    revision_update_draft(revision=draft, title="A draft title nobody approved?")
    _, html = page(client, approved)
    assert approved.published_revision.title in html
    assert "A draft title nobody approved?" not in html


def test_update_under_review_shows_the_approved_text_with_a_notice(client, approved, author):
    approved.review_status = ReviewStatus.UNDER_REVIEW
    approved.save()
    _, html = page(client, approved)
    assert "An update to this article is under review." in html
    assert "Reviewed by" in html
    assert "Under review" in current_step(html)
    assert "lastReviewed" in json_ld(html)


def test_a_never_approved_article_is_404_unless_the_policy_publishes_pending(client, submitted):
    article = submitted.article
    assert client.get(article.get_absolute_url()).status_code == 404

    policy = EditorialPolicy.load()
    policy.publish_pending = True
    policy.save()
    response, html = page(client, article)
    assert "Exercise caution as content is pending human review" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Reviewed by" not in html
    assert submitted.revision.title in html
    data = json_ld(html)
    assert "lastReviewed" not in data and "reviewedBy" not in data
    assert "Submitted" in current_step(html)
    assert "This article has not been approved yet." in html


def test_drafts_are_404_even_when_pending_articles_are_published(client, draft):
    policy = EditorialPolicy.load()
    policy.publish_pending = True
    policy.save()
    assert client.get(draft.article.get_absolute_url()).status_code == 404
    assert client.get("/articles/no-such-article/").status_code == 404


def test_only_get_is_allowed(client, approved):
    assert client.post(approved.get_absolute_url()).status_code == 405


def test_preview_of_a_draft_with_no_review_record(rf, article, draft):
    """The author workspace renders reader_context(preview=True) with this template."""
    from django.template.loader import render_to_string

    context = reader_context(article=article, revision=draft, preview=True)
    html = render_to_string("articles/detail.html", context, request=rf.get("/"))
    assert "Preview — not published." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Draft: not yet submitted for review." in html
    assert "feedback-form" not in html
    assert "reviewedBy" not in json_ld(html)
    assert "Not yet submitted for review." in html
    assert 'aria-current="step"' not in html


def test_preview_of_a_draft_update_never_claims_the_approved_reviewers(rf, approved, author):
    from django.template.loader import render_to_string

    draft = revision_draft_for_edit(article=approved, actor=author)
    context = reader_context(article=approved, revision=draft, preview=True)
    html = render_to_string("articles/detail.html", context, request=rf.get("/"))
    assert "Reviewed by" not in html
    assert "reviewedBy" not in json_ld(html)
    assert "Preview — not published." in html


def test_preview_of_the_published_revision_has_no_reviewed_by_in_json_ld(rf, approved):
    from django.template.loader import render_to_string

    context = reader_context(article=approved, revision=approved.published_revision, preview=True)
    html = render_to_string("articles/detail.html", context, request=rf.get("/"))
    assert '<meta name="robots" content="noindex">' in html
    assert "reviewedBy" not in json_ld(html)


def test_body_markup_is_sanitized(client, author):
    topic = TopicFactory(slug="safety-topic")
    article, revision = b12_article(author=author, topic=topic, slug="sanitized")
    revision.body = 'Fine text [1].\n\n<script>alert("x")</script><a href="javascript:x">bad</a>'
    revision.save()
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="san"))
    _, html = page(client, article)
    assert 'alert("x")' not in html
    assert "javascript:" not in html
