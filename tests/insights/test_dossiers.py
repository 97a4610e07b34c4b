"""Review dossiers (issue 15): PDF (WeasyPrint) and JSON downloads of an article's whole
review history. The PDF's text holds every revision's hash; the JSON verifies; the
confidential part is in the chair's copy only; an article with no reviews gets one page
saying so; the command writes a folder of them."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from editorial.dossiers import article_dossier, verify_dossier_json
from editorial.models import Assignment
from tests.factories import BoardMemberFactory

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def dossier_url(article, fmt):
    return reverse("admin:editorial_dossier", args=[article.pk, fmt])


def test_the_chairs_pdf_holds_every_revision_hash_and_the_verified_trail(client, chair, approved):
    article = approved.article
    client.force_login(chair)
    response = client.get(dossier_url(article, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="dossier-{article.slug}.pdf"' in response["Content-Disposition"]
    _, text = pdf_text(response.content)
    compact = text.replace("\n", "").replace(" ", "")
    for revision in article.revisions.exclude(content_hash=""):
        assert revision.content_hash in compact
    assert "Verified:" in text
    assert "Confidential: for the chair only" in text


def test_the_json_verifies_and_lists_the_whole_history(client, chair, approved):
    article = approved.article
    client.force_login(chair)
    response = client.get(dossier_url(article, "json"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["audit_verification"]["intact"] is True
    assert verify_dossier_json(data) == []
    assert [r["content_hash"] for r in data["revisions"]] == list(
        article.revisions.order_by("number").values_list("content_hash", flat=True)
    )
    assert all(r["content_hash_verified"] for r in data["revisions"] if r["content_hash"])
    actions = [row["action"] for row in data["audit"]]
    assert "submission.approve" in actions or "submission.override_approve" in actions
    assert data["submissions"][0]["state"] == "approved"
    assert data["confidential"] == {"comments_to_chair": []}
    # Tampering with a copied entry shows.
    data["audit"][0]["hashed_fields"]["comment"] = "edited"
    assert verify_dossier_json(data) == [data["audit"][0]["sequence"]]


def test_comments_to_authors_and_overrides_with_reasons(chair, changes_requested):
    article = changes_requested.article
    dossier = article_dossier(article, for_chair=False)
    assert dossier["comments_to_authors"], "the change request's comment is addressed to authors"
    assert "confidential" not in dossier


def test_a_reviewer_gets_the_board_copy_of_an_article_they_reviewed_and_404_otherwise(
    client, accepted, chair, members
):
    reviewer = accepted.reviewer
    client.force_login(reviewer.user)
    data = json.loads(client.get(dossier_url(accepted.submission.article, "json")).content)
    assert data["copy"] == "board"
    assert data["submissions"][0]["assignments"][0]["reviewer"] == reviewer.display_name
    assert "confidential" not in data
    stranger = BoardMemberFactory()
    client.force_login(stranger.user)
    assert client.get(dossier_url(accepted.submission.article, "json")).status_code == 404
    client.force_login(chair)
    assert client.get(dossier_url(accepted.submission.article, "xml")).status_code == 404
    assert client.get(reverse("admin:editorial_dossier", args=[999999, "pdf"])).status_code == 404


def test_an_article_with_no_reviews_gets_a_one_page_dossier_saying_so(client, chair, submitted):
    assert not Assignment.objects.filter(submission=submitted).exists()
    client.force_login(chair)
    response = client.get(dossier_url(submitted.article, "pdf"))
    reader, text = pdf_text(response.content)
    assert len(reader.pages) == 1
    assert "This article has no reviews yet." in text
    assert submitted.revision.content_hash in text.replace("\n", "").replace(" ", "")


def test_the_command_writes_a_folder_of_dossiers_for_one_topic(tmp_path, approved, capsys):
    call_command("write_dossiers", str(tmp_path), "--topic", approved.article.topic.slug)
    slug = approved.article.slug
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"dossier-{slug}.json",
        f"dossier-{slug}.pdf",
    ]
    data = json.loads((tmp_path / f"dossier-{slug}.json").read_text())
    assert verify_dossier_json(data) == []
    assert "Dossiers: 100%" in capsys.readouterr().err
    with pytest.raises(Exception, match='No topic "nope"'):
        call_command("write_dossiers", str(tmp_path), "--topic", "nope")


def test_the_dossier_carries_each_approvals_signed_record_and_its_verification(chair, approved):
    from editorial.models import SignedReviewRecord

    signed = SignedReviewRecord.objects.filter(article=approved.article)
    assert signed.exists(), "an approval is signed in its transaction"
    dossier = article_dossier(approved.article, for_chair=True)
    rows = dossier["signed_review_records"]
    assert len(rows) == signed.count()
    for row, record in zip(rows, signed.order_by("signed_at", "pk"), strict=True):
        assert row["signature"] == record.signature
        assert row["verification"][0] == {
            "check": "signature",
            "outcome": "passed",
            "detail": f"signed with the published Ed25519 key {record.key_id}",
        }
        assert row["verified"]
