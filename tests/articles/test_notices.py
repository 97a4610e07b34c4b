"""Notices on an approved article (issue 11 §5): correction, update, expression of
concern, retraction; each dated with its reason at the top of the page, in the review
history and in the Atom feed; a retracted article stays reachable, banner-marked and
noindex."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.models import Notice, NoticeKind
from articles.notices import notices_for
from editorial import services
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import AuditEntry

pytestmark = pytest.mark.django_db


def issue(article, actor, kind, reason):
    return services.notice_issue(article=article, actor=actor, kind=kind, reason=reason)


def test_a_correction_is_dated_shown_at_the_top_in_the_history_and_in_the_feed(
    client, approved, chair
):
    article = approved.article
    notice = issue(article, chair, NoticeKind.CORRECTION, "The ferritin threshold read 30, not 45.")
    assert notices_for(article) == [notice]
    assert notice.issued_by == "Dr. Chair"
    entry = AuditEntry.objects.get(action="notice.issue")
    assert entry.data["kind"] == "correction" and entry.article_id == article.pk

    html = client.get(article.get_absolute_url()).content.decode()
    top = html.index('id="notices-heading"')
    assert top < html.index('class="answer"'), "notices come before the answer"
    assert "Correction, <time" in html
    # At the top, in the review history and as the JSON-LD `correction`.
    assert html.count("The ferritin threshold read 30, not 45.") == 3
    assert "correction issued by Dr. Chair" in html
    assert '<meta name="robots" content="noindex">' not in html
    feed = client.get("/feeds/articles/").content.decode()
    assert "Correction (" in feed and "The ferritin threshold read 30, not 45." in feed


def test_a_retraction_keeps_the_page_reachable_marked_and_noindex(client, approved, chair):
    article = approved.article
    issue(article, chair, NoticeKind.EXPRESSION_OF_CONCERN, "Data under investigation.")
    issue(article, chair, NoticeKind.RETRACTION, "The main study was fabricated.")
    cache.clear()

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="banner banner-retracted"' in html and "Do not rely on this article." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Expression of concern" in html
    feed = client.get("/feeds/articles/").content.decode()
    assert f"Retracted: {approved.revision.title}" in feed
    with pytest.raises(TransitionNotAllowed, match="retracted"):
        issue(article, chair, NoticeKind.UPDATE, "More.")


def test_notices_need_the_chair_a_reason_a_kind_and_a_published_article(
    approved, chair, submitted, author
):
    with pytest.raises(NotPermitted):
        issue(approved.article, author, NoticeKind.CORRECTION, "x")
    with pytest.raises(InvalidInput, match="reason"):
        issue(approved.article, chair, NoticeKind.CORRECTION, "  ")
    with pytest.raises(InvalidInput):
        issue(approved.article, chair, "erratum", "x")
    assert not Notice.objects.exists()


def test_a_never_published_article_takes_no_notice(submitted, chair):
    with pytest.raises(TransitionNotAllowed, match="published"):
        issue(submitted.article, chair, NoticeKind.CORRECTION, "x")


def test_the_chair_adds_a_notice_in_the_admin_and_nobody_changes_it(client, approved, chair):
    client.force_login(chair)
    url = reverse("admin:articles_notice_add")
    response = client.post(
        url,
        {"article": approved.article_id, "kind": "update", "reason": "New 2026 guideline."},
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.kind == "update" and notice.issued_by == "Dr. Chair"
    assert AuditEntry.objects.filter(action="notice.issue").count() == 1
    change = client.post(
        reverse("admin:articles_notice_change", args=[notice.pk]), {"reason": "edited"}
    )
    assert change.status_code == 403
    assert Notice.objects.get().reason == "New 2026 guideline."
    bad = client.post(url, {"article": approved.article_id, "kind": "update", "reason": ""})
    assert bad.status_code == 200 and "This field is required." in bad.text
