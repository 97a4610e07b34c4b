"""The editorial policy in the admin (one row, edited by the chair, each change audited)
and an article's audit trail on its admin page, newest first."""

import pytest
from django.urls import reverse

from editorial import services
from editorial.models import AuditEntry, EditorialPolicy

pytestmark = pytest.mark.django_db

POLICY = {
    "quorum": 3,
    "invitation_response_days": 5,
    "review_due_days": 10,
    "reminder_days_before_due": 1,
    "remind_on_due_day": "on",
    "overdue_reminder_interval_days": 2,
    "overdue_reminder_max": 4,
    "re_review_months": 6,
    "publish_pending": "on",
    "policy_text": "We review every article.",
}


def test_the_policy_list_opens_the_one_policy(client, chair):
    client.force_login(chair)
    response = client.get(reverse("admin:editorial_editorialpolicy_changelist"))
    assert response.url == reverse("admin:editorial_editorialpolicy_change", args=[1])


def test_the_chair_edits_the_policy_and_the_change_is_audited(client, chair):
    client.force_login(chair)
    url = reverse("admin:editorial_editorialpolicy_change", args=[EditorialPolicy.load().pk])
    page = client.get(url)
    for legend in ("Review", "Reminders and escalation", "Re-review", "Publishing"):
        assert f">{legend}</h2>" in page.text

    response = client.post(url, POLICY)

    assert response.status_code == 302
    policy = EditorialPolicy.load()
    assert (policy.quorum, policy.overdue_reminder_max, policy.publish_pending) == (3, 4, True)
    entry = AuditEntry.objects.get(action="policy.update")
    assert entry.actor == chair
    assert entry.data["changes"]["quorum"] == {"from": 2, "to": 3}
    assert entry.data["changes"]["policy_text"] == {"changed": True}


def test_an_invalid_policy_is_a_form_error(client, chair):
    client.force_login(chair)
    url = reverse("admin:editorial_editorialpolicy_change", args=[EditorialPolicy.load().pk])
    response = client.post(url, {**POLICY, "quorum": 0})
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.text
    assert EditorialPolicy.load().quorum == 2
    assert not AuditEntry.objects.filter(action="policy.update").exists()


def test_an_unchanged_policy_writes_no_audit_entry(chair):
    services.policy_update(actor=chair, quorum=2)
    assert not AuditEntry.objects.filter(action="policy.update").exists()


def test_the_articles_audit_trail_newest_first(client, chair, accepted):
    client.force_login(chair)
    response = client.get(
        reverse("admin:articles_article_change", args=[accepted.submission.article_id])
    )
    html = response.text
    assert "Audit trail (newest first)" in html
    positions = [
        html.index(words)
        for words in (
            "started the review of revision 1",
            "accepted the invitation to review revision 1",
            "to review revision 1",
            "submitted revision 1 for review",
        )
    ]
    assert positions == sorted(positions)
    assert "submission.start_review" not in html, "sentences, not system codes"
