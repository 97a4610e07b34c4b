"""The append-only, hash-chained audit log."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from editorial.actions import AuditAction

GENESIS_HASH = "0" * 64


class AuditQuerySet(models.QuerySet):
    """Refuses bulk changes; PostgreSQL's trigger refuses them too (and raw SQL)."""

    def update(self, **kwargs):
        raise AuditLogImmutable("The audit log is append-only.")

    def delete(self):
        raise AuditLogImmutable("The audit log is append-only.")


class AuditLogImmutable(Exception):  # noqa: N818
    pass


class AuditEntry(models.Model):
    """One line of the append-only audit log. Each entry carries the hash of its
    predecessor, so a changed, removed or forged entry breaks the chain
    (``manage.py verify_audit``)."""

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the system (sweeps, scheduled re-review).",
    )
    actor_label = models.CharField(max_length=200, editable=False)
    action = models.CharField(max_length=60, choices=AuditAction.choices, editable=False)
    target_type = models.CharField(max_length=60, editable=False)
    target_id = models.PositiveBigIntegerField(editable=False)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=True,
    )
    from_state = models.CharField(max_length=30, blank=True, editable=False)
    to_state = models.CharField(max_length=30, blank=True, editable=False)
    comment = models.TextField(blank=True, editable=False)
    data = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["article", "-sequence"], name="audit_article_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("Audit entries cannot be deleted.")

    def clean(self):
        raise ValidationError("Audit entries are written by the editorial services only.")

    def hashed_fields(self):
        return {
            "sequence": self.sequence,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "article_id": self.article_id,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "comment": self.comment,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self):
        return self.hash_of(self.hashed_fields())

    @staticmethod
    def hash_of(hashed_fields):
        """The hash of an entry's ``hashed_fields()`` (``verify_chain`` builds them from
        plain rows, without model instances)."""
        canonical = json.dumps(
            hashed_fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
