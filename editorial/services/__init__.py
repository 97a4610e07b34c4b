"""Every command that changes workflow state, one module per aggregate.

Each public service runs in one durable transaction: it locks the row, re-checks that the
step is allowed (state and permission), calls the django-fsm transition, saves with
``update_fields``, writes exactly one audit entry, and writes its emails into the outbox,
which sends them after commit. A service that another service calls has a private
``_do_*`` twin that runs in the caller's transaction under the caller's locks. Services
raise ``editorial.errors`` exceptions, never django-fsm's.
"""

from editorial.services._core import batch
from editorial.services.assignments import (
    assignment_accept,
    assignment_create,
    assignment_decline,
    assignment_escalate,
    assignment_reassign,
    assignment_set_due_dates,
    assignment_withdraw,
)
from editorial.services.conflicts import conflict_declare, conflict_revoke
from editorial.services.decisions import (
    OVERRIDE_OUTCOMES,
    assignment_decide,
    submission_confirm_reject,
    submission_override,
)
from editorial.services.drafts import article_save_draft
from editorial.services.notices import notice_issue
from editorial.services.policy import POLICY_FIELDS, policy_update
from editorial.services.publishing import add_months, submission_approve
from editorial.services.retractions import retractions_open_re_reviews
from editorial.services.submissions import (
    submission_open_re_review,
    submission_reject,
    submission_request_changes,
    submission_resubmit,
    submission_start_review,
    submission_submit,
    submission_withdraw,
)
from editorial.services.triage import FeedbackTriage, feedback_mark_valid

__all__ = [
    "OVERRIDE_OUTCOMES",
    "POLICY_FIELDS",
    "FeedbackTriage",
    "add_months",
    "article_save_draft",
    "assignment_accept",
    "assignment_create",
    "assignment_decide",
    "assignment_decline",
    "assignment_escalate",
    "assignment_reassign",
    "assignment_set_due_dates",
    "assignment_withdraw",
    "batch",
    "conflict_declare",
    "conflict_revoke",
    "feedback_mark_valid",
    "notice_issue",
    "policy_update",
    "retractions_open_re_reviews",
    "submission_approve",
    "submission_confirm_reject",
    "submission_open_re_review",
    "submission_override",
    "submission_reject",
    "submission_request_changes",
    "submission_resubmit",
    "submission_start_review",
    "submission_submit",
    "submission_withdraw",
]
