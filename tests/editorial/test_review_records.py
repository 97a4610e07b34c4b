"""Signed review records (issue 11, section 3): each approval is signed in its transaction
with the published Ed25519 key, served as RFC 8785 canonical JSON, and verifies offline —
with ``manage.py verify_record``, and with ``scripts/verify_review_record.py``, which uses
nothing but ``cryptography``. Forged, truncated or misattributed records are named."""

import base64
import json
import subprocess
import sys

import pytest
import rfc8785
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from editorial import services
from editorial.models import (
    AuditEntry,
    DecisionOutcome,
    EditorialPolicy,
    SignedReviewRecord,
    SigningKey,
)
from editorial.signing import checkpoints, keys
from reviewers.models import BoardMember
from tests.editorial import test_quorum
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
# The quorum tests' board (three reviewers, accepted) and their way of deciding.
board = test_quorum.board
decide = test_quorum.decide
SCRIPT = settings.BASE_DIR / "scripts" / "verify_review_record.py"


@pytest.fixture
def quorum_approved(board):
    for assignment in board[:2]:
        decide(assignment)
    return board[0].submission


def served(client, article, revision=None):
    url = (
        f"/articles/{article.slug}/review-record.json"
        if revision is None
        else f"/articles/{article.slug}/review-record/{revision}.json"
    )
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response


def save(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def run_script(record_path, keys_path, *extra):
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(record_path), str(keys_path), *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_quorum_approval_is_signed_in_its_transaction_with_every_fact(quorum_approved, client):
    signed = SignedReviewRecord.objects.get()
    record = json.loads(signed.document)
    approval = AuditEntry.objects.get(action="submission.approve")

    assert record["revision"]["number"] == 1
    assert record["revision"]["content_hash"] == quorum_approved.content_hash
    assert record["article"]["slug"] == quorum_approved.article.slug
    assert [d["signer"]["name"] for d in record["decisions"]] == ["Dr. Ada Reyes", "Dr. Ben Okafor"]
    assert {d["outcome"] for d in record["decisions"]} == {"approve"}
    assert all(d["signer"]["credentials"] and "meaning" in d for d in record["decisions"])
    # Each decision carries its e-signature, bound to the approved content hash.
    assert {d["meaning"] for d in record["decisions"]} == {"Approved as medically accurate"}
    assert all(
        d["e_signature"]["content_hash"] == record["revision"]["content_hash"]
        for d in record["decisions"]
    )
    assert record["policy"] == {
        **record["policy"],
        "quorum": 2,
        "approvals": 2,
        "quorum_met": True,
    }
    assert record["approval"]["override"] is False
    assert record["approval"]["override_reason"] is None
    assert record["audit"]["approval"] == {"sequence": approval.sequence, "hash": approval.hash}
    listed = [entry["sequence"] for entry in record["audit"]["entries"]]
    assert listed == sorted(listed) and listed[-1] == approval.sequence
    assert all(
        AuditEntry.objects.get(sequence=entry["sequence"]).hash == entry["hash"]
        for entry in record["audit"]["entries"]
    )
    # Stored as the exact canonical bytes that were signed.
    assert signed.document.encode() == rfc8785.dumps(record)
    assert (
        keys.verify_signature(
            data=signed.document.encode(),
            signature={"algorithm": "Ed25519", "key_id": signed.key_id, "value": signed.signature},
            keys=keys.keyring(),
        )
        is None
    )


def test_an_override_says_so_with_its_reason(board, chair):
    decide(board[0])
    services.submission_override(
        submission=board[0].submission,
        actor=chair,
        outcome=DecisionOutcome.APPROVE,
        reason="Urgent safety update; second reviewer on leave.",
        password=TEST_PASSWORD,
    )
    record = json.loads(SignedReviewRecord.objects.get().document)

    assert record["approval"]["override"] is True
    assert (
        record["approval"]["override_reason"] == "Urgent safety update; second reviewer on leave."
    )
    assert record["policy"]["approvals"] == 1
    assert record["policy"]["quorum_met"] is False


def test_the_served_record_is_canonical_and_verifies_with_the_published_keys(
    approved, client, tmp_path
):
    checkpoints.write_checkpoint()
    response = served(client, approved.article)
    document = json.loads(response.content)

    assert response["Content-Type"] == "application/json"
    assert response.content == rfc8785.dumps(document)  # the whole document is JCS too
    assert document["signature"]["algorithm"] == "Ed25519"
    assert document["inclusion_proof"]["tree_size"] == AuditEntry.objects.count()
    published = client.get("/review-keys.json").json()["keys"]
    assert [key["key_id"] for key in published] == [document["signature"]["key_id"]]
    assert base64.b64decode(published[0]["public_key"]).__len__() == 32

    record_path = save(tmp_path, "record.json", document)
    keys_path = save(tmp_path, "keys.json", {"keys": published})
    result = run_script(record_path, keys_path, "--revision", "1", "--slug", approved.article.slug)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED" in result.stdout and "is in signed checkpoint 1" in result.stdout

    call_command("verify_record", str(record_path), "--keys", str(keys_path))
    call_command("verify_record", approved.article.slug)


def test_the_revision_url_serves_that_revisions_record(approved, client):
    live = served(client, approved.article).json()
    by_number = served(client, approved.article, revision=1).json()
    assert live == by_number
    assert client.get(f"/articles/{approved.article.slug}/review-record/2.json").status_code == 404
    assert client.get("/articles/no-such-article/review-record.json").status_code == 404


def test_a_draft_or_unapproved_article_has_no_record(under_review, client):
    article = under_review.article
    assert client.get(f"/articles/{article.slug}/review-record.json").status_code == 404
    assert client.get(f"/articles/{article.slug}/review-record/1/").status_code == 404


@pytest.fixture
def served_record(approved, client, tmp_path):
    checkpoints.write_checkpoint()
    document = served(client, approved.article).json()
    keys_path = save(tmp_path, "keys.json", client.get("/review-keys.json").json())
    return document, keys_path


def tampered(document, change):
    copy = json.loads(json.dumps(document))
    change(copy)
    return copy


BAD_RECORDS = {
    "forged": (
        lambda d: d["record"]["approval"].update(override=False, by="Dr. Somebody Else"),
        "signature does not match",
    ),
    "truncated signature": (
        lambda d: d["signature"].update(
            value=base64.b64encode(base64.b64decode(d["signature"]["value"])[:40]).decode()
        ),
        "40 bytes",
    ),
    "unknown key id": (
        lambda d: d["signature"].update(key_id="ed25519-0000000000000000"),
        "unknown key id",
    ),
    "altered audit path": (
        lambda d: d["inclusion_proof"].update(audit_path=["00" * 32]),
        "is not in the log under checkpoint 1",
    ),
}


@pytest.mark.parametrize("attack", BAD_RECORDS)
def test_a_bad_record_fails_in_both_verifiers_naming_the_problem(served_record, tmp_path, attack):
    document, keys_path = served_record
    change, reason = BAD_RECORDS[attack]
    bad = save(tmp_path, "bad.json", tampered(document, change))

    with pytest.raises(CommandError, match="does NOT verify") as failure:
        call_command("verify_record", str(bad), "--keys", str(keys_path))
    assert reason in str(failure.value)
    result = run_script(bad, keys_path)
    assert result.returncode == 1
    assert "NOT VERIFIED" in result.stdout


def test_a_record_for_another_revision_is_named(served_record, tmp_path):
    document, keys_path = served_record
    path = save(tmp_path, "record.json", document)

    with pytest.raises(CommandError, match="this record is for revision 1, not revision 2"):
        call_command("verify_record", str(path), "--revision", "2", "--keys", str(keys_path))
    result = run_script(path, keys_path, "--revision", "2")
    assert result.returncode == 1
    assert "FAIL record is for revision 1 (expected 2)" in result.stdout


def test_a_record_whose_text_was_changed_since_does_not_match_the_published_text(
    served_record, approved, tmp_path, disable_trigger
):
    document, keys_path = served_record
    path = save(tmp_path, "record.json", document)
    revision = approved.revision
    disable_trigger("articles_revision", "revision_immutable")
    revision.__class__.objects.filter(pk=revision.pk).update(content_hash="f" * 64)

    with pytest.raises(CommandError, match="content: the approved content hash"):
        call_command("verify_record", str(path), "--keys", str(keys_path))


def test_the_record_verifies_byte_for_byte_after_the_facts_change(approved, client):
    before = served(client, approved.article).json()["record"]
    EditorialPolicy.objects.filter(pk=1).update(quorum=3)
    BoardMember.objects.update(credentials="Retired")

    after = served(client, approved.article).json()["record"]
    assert after == before
    call_command("verify_record", approved.article.slug)


def test_old_keys_stay_published_and_valid_after_rotation(approved, client, tmp_path):
    key_file = tmp_path / "signing-key.pem"
    key_file.write_bytes(keys.key_path().read_bytes())
    with override_settings(SIGNING_KEY_FILE=str(key_file)):
        old_id = keys.current_key().key_id
        call_command("rotate_signing_key")
        new_id = keys.current_key().key_id
        published = {key["key_id"]: key for key in client.get("/review-keys.json").json()["keys"]}

        assert new_id != old_id
        assert published[old_id]["valid_to"] is not None
        assert published[new_id]["valid_to"] is None
        assert SigningKey.objects.count() == 2
        call_command("verify_record", approved.article.slug)  # signed with the old key
        document = served(client, approved.article).json()
        assert document["signature"]["key_id"] == old_id


def test_verify_record_names_a_missing_record(db):
    with pytest.raises(CommandError, match="No file and no article named 'nothing-here'"):
        call_command("verify_record", "nothing-here")


def test_the_verify_page_says_the_result_in_words(approved, client):
    checkpoints.write_checkpoint()
    article_page = client.get(f"/articles/{approved.article.slug}/")
    link = f"/articles/{approved.article.slug}/review-record/1/"
    assert f'href="{link}"' in article_page.content.decode()

    page = client.get(link).content.decode()
    assert "Verified." in page
    assert "Signature: passed." in page
    assert "Content: passed." in page
    assert "included in signed checkpoint 1" in page
    assert 'content="noindex"' in page


def test_the_verify_page_says_when_a_record_does_not_verify(approved, client, disable_trigger):
    revision = approved.revision
    disable_trigger("articles_revision", "revision_immutable")
    revision.__class__.objects.filter(pk=revision.pk).update(content_hash="0" * 64)

    page = client.get(f"/articles/{approved.article.slug}/review-record/1/").content.decode()
    assert "Does not verify." in page
    assert "Content: failed." in page


def test_the_independent_script_canonicalizes_as_rfc8785_does():
    spec = __import__("importlib.util").util.spec_from_file_location("verifier", SCRIPT)
    verifier = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(verifier)
    sample = {
        "z": [1, -2, True, None, 'é\n"\\\u0001'],
        "a": {"\u20ac": 1, "\U0001f600": 2, "\ufb33": 3, "b": ""},
        "10": 9007199254740991,
    }
    assert verifier.jcs(sample).encode() == rfc8785.dumps(sample)


def test_a_record_whose_approval_was_cut_from_the_log_fails_the_audit_check(
    approved, client, disable_trigger
):
    checkpoints.write_checkpoint()
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM editorial_auditentry WHERE sequence = 3")

    with pytest.raises(CommandError, match="audit log: the audit log has 2 of the 3 entries"):
        call_command("verify_record", approved.article.slug)
    page = client.get(f"/articles/{approved.article.slug}/review-record/1/").content.decode()
    assert "Does not verify." in page and "Audit log: failed." in page


def test_an_approval_from_before_signing_is_explained_not_a_bare_404(approved, client):
    SignedReviewRecord.objects.all().delete()
    response = client.get(f"/articles/{approved.article.slug}/review-record/1/")
    assert response.status_code == 404
    assert "before we began signing our review records" in response.content.decode()


def test_a_key_used_outside_its_validity_is_named_by_both_verifiers(served_record, tmp_path):
    document, keys_path = served_record
    published = json.loads(keys_path.read_text())
    published["keys"][0]["valid_from"] = "2099-01-01T00:00:00+00:00"
    keys_path.write_text(json.dumps(published))
    path = save(tmp_path, "record.json", document)

    with pytest.raises(CommandError, match="key validity: signed at .* outside the key's validity"):
        call_command("verify_record", str(path), "--keys", str(keys_path))
    result = run_script(path, keys_path)
    assert result.returncode == 1
    assert "FAIL key was NOT valid when the record was signed" in result.stdout


def test_the_record_names_the_approver_by_printed_name_never_by_login(approved):
    record = json.loads(SignedReviewRecord.objects.get().document)
    assert record["approval"]["by"] == "Dr. Chair"
    assert "chair" not in json.dumps(record).replace("Dr. Chair", "")
