"""The audit log is append-only and tamper-evident (DESIGN invariant 4): PostgreSQL refuses
UPDATE, DELETE and TRUNCATE; the ORM refuses too; ``verify_audit`` names the first entry
that breaks the chain and exits non-zero; the admin only shows."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from editorial import services
from editorial.audit import verify_chain
from editorial.models import GENESIS_HASH, AuditEntry, AuditLogImmutable
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def entries():
    return list(AuditEntry.objects.order_by("sequence").values())


def raw(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def forge_entry(*, sequence, prev_hash, hash_, target_id=1):
    """Append a row the way someone with database access would, bypassing the services."""
    raw(
        """INSERT INTO editorial_auditentry
           (sequence, created_at, actor_label, action, target_type, target_id,
            from_state, to_state, comment, data, prev_hash, hash)
           VALUES (%s, now(), 'forger', 'submission.approve', 'editorial.submission', %s,
                   'under_review', 'approved', '', '{}', %s, %s)""",
        [sequence, target_id, prev_hash, hash_],
    )


# --- the database refuses changes -----------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE editorial_auditentry SET comment = 'rewritten'",
        "UPDATE editorial_auditentry SET to_state = 'rejected' WHERE sequence = 2",
        "DELETE FROM editorial_auditentry WHERE sequence = 2",
        "DELETE FROM editorial_auditentry",
        "TRUNCATE editorial_auditentry",
        "TRUNCATE editorial_auditentry CASCADE",
    ],
)
def test_postgresql_refuses_to_change_the_log(statement, under_review):
    before = entries()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        # Run the queued foreign-key checks now, or PostgreSQL refuses TRUNCATE for
        # that reason before the trigger is asked.
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw(statement)

    assert entries() == before
    assert len(before) == 2


def test_appending_is_what_the_database_allows(under_review, chair):
    services.submission_approve(submission=under_review, actor=chair)

    assert [entry["sequence"] for entry in entries()] == [1, 2, 3]


# --- the ORM refuses changes -----------------------------------------------------------


def test_queryset_update_is_refused(under_review):
    before = entries()

    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(sequence=1).update(comment="rewritten")
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.all().update(action="nothing")

    assert entries() == before


def test_queryset_delete_is_refused(under_review):
    before = entries()

    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(sequence=1).delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.all().delete()

    assert entries() == before


def test_an_existing_entry_cannot_be_saved_or_deleted(under_review):
    entry = AuditEntry.objects.get(sequence=1)
    before = entries()

    entry.comment = "rewritten"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    with pytest.raises(AuditLogImmutable):
        entry.delete()

    assert entries() == before


# --- verify_audit ------------------------------------------------------------------------


def test_verify_audit_passes_on_an_intact_chain(under_review, capsys):
    call_command("verify_audit")

    out = capsys.readouterr().out
    assert "Verifying 2 audit entries" in out
    assert "Audit chain intact: 2 entries checked." in out


def test_verify_audit_passes_on_an_empty_log(capsys):
    call_command("verify_audit")

    assert "Audit chain intact: 0 entries checked." in capsys.readouterr().out


def test_the_chain_links_each_entry_to_its_predecessor(under_review):
    first, second = AuditEntry.objects.order_by("sequence")

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert [entry.compute_hash() for entry in (first, second)] == [first.hash, second.hash]


def test_a_forged_entry_with_a_wrong_link_is_named(under_review):
    forge_entry(sequence=3, prev_hash="f" * 64, hash_="e" * 64, target_id=under_review.pk)

    with pytest.raises(CommandError, match=r"sequence 3: previous-hash link does not match"):
        call_command("verify_audit")


def test_a_forged_entry_whose_hash_does_not_match_its_content_is_named(under_review):
    last = AuditEntry.objects.get(sequence=2)
    forge_entry(sequence=3, prev_hash=last.hash, hash_="e" * 64, target_id=under_review.pk)

    with pytest.raises(CommandError, match=r"sequence 3: content does not match its hash"):
        call_command("verify_audit")


def test_an_entry_forged_with_a_correct_looking_hash_breaks_its_successor(
    under_review, chair, disable_trigger
):
    """A forger who recomputes the hash of a rewritten entry still breaks the next link."""
    services.submission_approve(submission=under_review, actor=chair)
    entry = AuditEntry.objects.get(sequence=2)
    entry.comment = "approved without review"
    rewritten_hash = entry.compute_hash()
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    raw(
        "UPDATE editorial_auditentry SET comment = %s, hash = %s WHERE sequence = 2",
        [entry.comment, rewritten_hash],
    )

    with pytest.raises(CommandError, match=r"sequence 3: previous-hash link does not match"):
        call_command("verify_audit")


def test_a_rewritten_entry_is_named(under_review, disable_trigger):
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    raw("UPDATE editorial_auditentry SET to_state = 'approved' WHERE sequence = 1")

    assert verify_chain() == (0, (1, "content does not match its hash"))
    with pytest.raises(CommandError, match=r"sequence 1: content does not match its hash"):
        call_command("verify_audit")


def test_a_removed_entry_is_named(under_review, chair, disable_trigger):
    services.submission_approve(submission=under_review, actor=chair)
    disable_trigger("editorial_auditentry", "audit_no_update_delete")
    raw("DELETE FROM editorial_auditentry WHERE sequence = 2")

    with pytest.raises(CommandError, match=r"sequence 3: expected sequence 2"):
        call_command("verify_audit")


def _manage_verify_audit():
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # The test database this session created (its name differs from the configured one).
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
    }
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "verify_audit"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_manage_py_verify_audit_exits_non_zero_naming_the_entry(under_review):
    """A real process on its own connection: the data must be committed, hence a
    transactional test."""
    intact = _manage_verify_audit()
    assert intact.returncode == 0, intact.stderr
    assert "Audit chain intact: 2 entries checked." in intact.stdout

    forge_entry(sequence=3, prev_hash="f" * 64, hash_="e" * 64, target_id=under_review.pk)
    broken = _manage_verify_audit()

    assert broken.returncode == 1
    assert "Audit chain broken at sequence 3" in broken.stderr


# --- the admin only shows --------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_audit_admin_refuses_add_change_and_delete(superuser, under_review):
    model_admin = admin_site._registry[AuditEntry]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    entry = AuditEntry.objects.get(sequence=1)

    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, entry) is False
    assert model_admin.has_view_permission(request, entry) is True


def test_audit_admin_pages_refuse_a_superuser(client, superuser, under_review):
    client.force_login(superuser)
    entry = AuditEntry.objects.get(sequence=1)
    before = entries()

    assert client.get(reverse("admin:editorial_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:editorial_auditentry_add"), {}).status_code == 403
    change_url = reverse("admin:editorial_auditentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200  # shown read-only
    assert client.post(change_url, {"comment": "rewritten"}).status_code == 403
    delete_url = reverse("admin:editorial_auditentry_delete", args=[entry.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:editorial_auditentry_changelist")).status_code == 200

    assert entries() == before
