"""A transparency log for the audit chain (issue 11, section 4). With database-superuser
access (the triggers switched off), deleting the newest audit rows, or rewriting a row and
recomputing every later hash, used to pass ``verify_audit`` unnoticed. Signed checkpoints,
published at ``/audit/checkpoints.json`` and kept by anyone, catch each attack:
``verify_audit --checkpoints`` names tail truncation, a rewritten log and a forked log."""

import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from editorial import services
from editorial.models import AuditCheckpoint, AuditEntry
from editorial.signing import checkpoints, consistency, keys, merkle
from editorial.signing.canonical import canonical_bytes
from editorial.sweep import run_sweep
from editorial.views import transparency
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db


def raw(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def more_activity(author, count):
    """``count`` new audit entries: each a new article submitted for review."""
    for _ in range(count):
        article = ArticleFactory(authors=[author])
        revision = RevisionFactory(article=article, number=1)
        ReferenceFactory(revision=revision, position=1)
        services.submission_submit(article=article, revision=revision, actor=author)


def publish(client, tmp_path, name="checkpoints.json"):
    """What a watcher keeps: a copy of every published checkpoint."""
    path = tmp_path / name
    path.write_text(client.get("/audit/checkpoints.json").content.decode(), encoding="utf-8")
    return str(path)


@pytest.fixture
def published(approved, author, client, tmp_path):
    """Nine audit entries, checkpointed at six and at nine, and the checkpoints saved."""
    more_activity(author, 3)
    checkpoints.write_checkpoint()
    more_activity(author, 3)
    checkpoints.write_checkpoint()
    assert AuditEntry.objects.count() == 9
    return publish(client, tmp_path)


def test_the_sweep_signs_a_checkpoint_of_the_whole_log(approved):
    result = run_sweep()

    checkpoint = AuditCheckpoint.objects.get()
    hashes = [
        bytes.fromhex(h)
        for h in AuditEntry.objects.order_by("sequence").values_list("hash", flat=True)
    ]
    assert checkpoint.tree_size == len(hashes) == 3
    assert checkpoint.head_hash == hashes[-1].hex()
    assert checkpoint.root_hash == merkle.root(hashes).hex()
    assert "checkpoint 1 signed (3 entries)" in result.summary()
    published = checkpoints.as_json(checkpoint)
    assert published["checkpoint"]["sequence"] == 3
    assert published["checkpoint"]["key_id"] == published["signature"]["key_id"]
    assert (
        keys.verify_signature(
            data=canonical_bytes(published["checkpoint"]),
            signature=published["signature"],
            keys=keys.keyring(),
        )
        is None
    )


def test_audit_checkpoint_signs_on_demand(approved, capsys):
    call_command("audit_checkpoint")
    call_command("audit_checkpoint")
    assert list(AuditCheckpoint.objects.values_list("number", "tree_size")) == [(2, 3), (1, 3)]
    assert "Checkpoint 2 signed" in capsys.readouterr().out


def test_an_empty_log_has_no_checkpoint_and_an_empty_first_page(db, client):
    call_command("audit_checkpoint")
    assert not AuditCheckpoint.objects.exists()
    page = client.get("/audit/checkpoints.json").json()
    assert page["checkpoints"] == [] and page["next"] is None


def test_checkpoints_are_published_newest_first_in_pages(approved, client, monkeypatch):
    monkeypatch.setattr(transparency, "CHECKPOINTS_PER_PAGE", 2)
    for _ in range(3):
        checkpoints.write_checkpoint()

    first = client.get("/audit/checkpoints.json").json()
    second = client.get(first["next"]).json()
    assert [c["checkpoint"]["number"] for c in first["checkpoints"]] == [3, 2]
    assert [c["checkpoint"]["number"] for c in second["checkpoints"]] == [1]
    assert second["next"] is None and second["previous"] == "/audit/checkpoints.json?page=1"
    assert client.get("/audit/checkpoints.json?page=x").status_code == 400
    assert client.get("/audit/checkpoints.json?page=9").status_code == 404


def test_an_intact_log_is_consistent_with_what_was_published(published, author):
    more_activity(author, 2)  # the log grows after publication: that is fine
    checkpoints.write_checkpoint()
    call_command("verify_audit", checkpoints=published)


# The attacks. Each passes the hash-chain check alone, which is what was seen.


def test_tail_truncation_is_detected_and_named(published, disable_trigger):
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    raw("DELETE FROM editorial_auditentry WHERE sequence > 7")

    call_command("verify_audit")  # the chain alone cannot tell
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", checkpoints=published)
    assert (
        "TRUNCATED: tail truncation: checkpoint 2 covered 9 entries but the log now has 7; "
        "entries 8–9 were removed" in str(failure.value)
    )


def rechain_from(sequence, **changes):
    """Rewrite entry ``sequence`` and recompute every hash after it, as a forger would."""
    previous = AuditEntry.objects.get(sequence=sequence - 1).hash
    for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        if entry.sequence == sequence:
            for field, value in changes.items():
                setattr(entry, field, value)
        entry.prev_hash = previous
        entry.hash = entry.compute_hash()
        raw(
            "UPDATE editorial_auditentry SET comment = %s, prev_hash = %s, hash = %s "
            "WHERE sequence = %s",
            [entry.comment, entry.prev_hash, entry.hash, entry.sequence],
        )
        previous = entry.hash


def test_a_rewritten_and_rechained_log_is_detected_and_named(published, disable_trigger):
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    rechain_from(8, comment="Nothing to see here.")

    call_command("verify_audit")  # the chain alone cannot tell
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", checkpoints=published)
    message = str(failure.value)
    assert (
        "REWRITTEN: rewritten log: the first 9 entries no longer hash to the root of checkpoint 2"
        in message
    )
    assert "between sequence 7 and 9" in message
    assert "recomputed to re-chain the log" in message
    assert "TRUNCATED" not in message and "FORKED" not in message


def test_a_forked_log_is_detected_and_named(published, author, disable_trigger):
    """The server drops the tail, grows another history in its place and signs it (with
    the real key, as the sweep would): the watcher's copy proves two histories."""
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    raw("DELETE FROM editorial_auditentry WHERE sequence > 6")
    AuditCheckpoint.objects.filter(number=2).delete()
    more_activity(author, 5)
    forked = checkpoints.write_checkpoint()
    assert forked.tree_size == 11

    call_command("verify_audit")  # the chain alone cannot tell
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", checkpoints=published)
    message = str(failure.value)
    assert (
        "FORKED: forked log: checkpoint 2 (9 entries" in message
        and "and checkpoint 2 (11 entries" in message
        and "cannot describe one append-only log" in message
    )
    assert "checkpoint 1" not in message  # the history they share still checks out


def test_two_published_checkpoints_that_disagree_are_a_fork(published, tmp_path):
    items = json.loads((tmp_path / "checkpoints.json").read_text())["checkpoints"]
    other = json.loads(json.dumps(items[0]))
    other["checkpoint"]["root_hash"] = "ab" * 32
    other["checkpoint"]["number"] = 99
    body = canonical_bytes(other["checkpoint"])
    other["signature"]["value"] = keys.sign(body).value  # the server's own key
    findings = consistency.check([*items, other])
    assert [finding.kind for finding in findings][:1] == ["forked"]


def test_a_forged_checkpoint_in_the_copy_is_named(published, tmp_path):
    path = tmp_path / "checkpoints.json"
    document = json.loads(path.read_text())
    document["checkpoints"][0]["checkpoint"]["tree_size"] = 4
    path.write_text(json.dumps(document))

    with pytest.raises(CommandError, match="SIGNATURE: checkpoint 2: the signature does not match"):
        call_command("verify_audit", checkpoints=str(path))


def test_an_unreadable_copy_is_an_error_not_a_crash(approved, tmp_path):
    with pytest.raises(CommandError, match="Cannot read the published checkpoints"):
        call_command("verify_audit", checkpoints=str(tmp_path / "missing.json"))


def test_the_sweep_refuses_to_sign_a_log_that_no_longer_extends_its_checkpoint(
    published, disable_trigger, caplog
):
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    raw("DELETE FROM editorial_auditentry WHERE sequence > 7")

    with pytest.raises(CommandError, match="Checkpoint refused: .* its tail was removed"):
        call_command("audit_checkpoint")
    with caplog.at_level(logging.ERROR, logger="editorial.signing.checkpoints"):
        result = run_sweep()
    assert (
        "checkpoint refused: the log has 7 entries but checkpoint 2 covered 9" in result.summary()
    )
    assert "Audit checkpoint refused" in caplog.text
    assert AuditCheckpoint.objects.count() == 2


def test_the_checkpoints_can_be_read_from_the_published_url(published, live_server, monkeypatch):
    monkeypatch.setattr(transparency, "CHECKPOINTS_PER_PAGE", 1)
    items = consistency.load_published(f"{live_server.url}/audit/checkpoints.json")
    assert [item["checkpoint"]["number"] for item in items] == [2, 1]


def test_serving_a_record_and_the_checkpoints_costs_a_fixed_number_of_queries(
    published, client, author, django_assert_num_queries
):
    slug = AuditEntry.objects.get(action="submission.approve").article.slug
    more_activity(author, 20)
    checkpoints.write_checkpoint()
    # article, its live revision, the signed record, the newest checkpoint, the log's hashes
    with django_assert_num_queries(5):
        assert client.get(f"/articles/{slug}/review-record.json").status_code == 200
    with django_assert_num_queries(2):  # the count, the page
        assert client.get("/audit/checkpoints.json").status_code == 200
