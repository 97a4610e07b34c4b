"""The process: the editorial policy, submissions with their state machine, assignments and
decisions, the append-only hash-chained audit log with its signed checkpoints, signed
review records and the keys that sign them, the notification outbox and webhook deliveries.
Import from ``editorial.models``; the modules below are its parts."""

from editorial.models.assignments import (
    ASSIGNMENT_OPEN_STATES,
    Assignment,
    AssignmentQuerySet,
    AssignmentState,
    Decision,
    DecisionOutcome,
)
from editorial.models.audit import GENESIS_HASH, AuditEntry, AuditLogImmutable, AuditQuerySet
from editorial.models.calendar import CalendarToken
from editorial.models.insights import (
    MEASURE_BY_CODE,
    MEASURE_CODES,
    InsightsDay,
    InsightsRollup,
    RollupMeasure,
)
from editorial.models.notifications import Notification, NotificationKind, NotificationQuerySet
from editorial.models.policy import EditorialPolicy
from editorial.models.signatures import Signature, SignatureMeaning
from editorial.models.signing import AuditCheckpoint, SignedReviewRecord, SigningKey
from editorial.models.submissions import (
    OPEN_STATES,
    REVIEWABLE_STATES,
    Submission,
    SubmissionKind,
    SubmissionQuerySet,
    SubmissionState,
)
from editorial.models.sweeps import SweepRun
from editorial.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "ASSIGNMENT_OPEN_STATES",
    "GENESIS_HASH",
    "OPEN_STATES",
    "REVIEWABLE_STATES",
    "Assignment",
    "AssignmentQuerySet",
    "AssignmentState",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditLogImmutable",
    "AuditQuerySet",
    "CalendarToken",
    "Decision",
    "DecisionOutcome",
    "EditorialPolicy",
    "InsightsDay",
    "MEASURE_BY_CODE",
    "MEASURE_CODES",
    "InsightsRollup",
    "Notification",
    "RollupMeasure",
    "NotificationKind",
    "SweepRun",
    "NotificationQuerySet",
    "Signature",
    "SignatureMeaning",
    "SignedReviewRecord",
    "SigningKey",
    "Submission",
    "SubmissionKind",
    "SubmissionQuerySet",
    "SubmissionState",
    "WebhookDelivery",
    "WebhookEndpoint",
]
