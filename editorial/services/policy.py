"""The editorial policy: one row the chair edits."""

from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import NotPermitted
from editorial.models import EditorialPolicy
from editorial.services import _core

POLICY_FIELDS = (
    "quorum",
    "invitation_response_days",
    "review_due_days",
    "reminder_days_before_due",
    "remind_on_due_day",
    "overdue_reminder_interval_days",
    "overdue_reminder_max",
    "re_review_months",
    "publish_pending",
    "policy_text",
)


def policy_update(*, actor, **values):
    """The chair changes the editorial policy. Side effects: audit entry
    ``policy.update`` naming each changed setting with its old and new value (the policy
    text's change is recorded without its content)."""
    if not actor.has_perm("editorial.change_editorialpolicy"):
        raise NotPermitted("Only the board chair can change the editorial policy.")
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown policy settings: {sorted(unknown)}")
    with _core.nestable_atomic():
        EditorialPolicy.load()
        policy = EditorialPolicy.objects.select_for_update().get(pk=1)
        changes = {}
        for field, value in values.items():
            old = getattr(policy, field)
            if old != value:
                changes[field] = (
                    {"changed": True} if field == "policy_text" else {"from": old, "to": value}
                )
                setattr(policy, field, value)
        if not changes:
            return policy
        policy.full_clean()
        policy.save()
        audit_record(
            actor=actor,
            action=AuditAction.POLICY_UPDATE,
            target=policy,
            data={"changes": changes},
        )
    return policy
