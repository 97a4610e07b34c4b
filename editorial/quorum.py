"""Quorum progress: how many of the approvals the editorial policy requires a submission
has, and who is still to decide, in words for the reviewer and the chair."""

from dataclasses import dataclass

from editorial.models import Decision, DecisionOutcome, EditorialPolicy


def _names(names):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass
class QuorumProgress:
    """How far a submission is from its quorum of approvals."""

    quorum: int
    approvals: int
    waiting: list  # the reviewers with open assignments, by name
    held: bool  # a change request or a rejection is on record

    def describe(self, *, you=None, so_far=False):
        """ "1 of 2 approvals; waiting for Dr X" (``you``, a name, is said as "you")."""
        text = f"{self.approvals} of {self.quorum} approval{'s' if self.quorum != 1 else ''}"
        text += " so far" if so_far else ""
        if self.held:
            return f"{text}; a recommendation to reject or to change it awaits the chair"
        waiting = ["you" if name == you else name for name in self.waiting]
        if waiting:
            return f"{text}; waiting for {_names(waiting)}"
        if self.approvals < self.quorum:
            return f"{text}; the chair has yet to invite another reviewer"
        return text


def quorum_progress(submission):
    """The approvals recorded on ``submission`` against the policy's quorum, and who is
    still to decide (two queries, and one for the policy)."""
    outcomes = list(
        Decision.objects.filter(submission=submission).values_list("outcome", flat=True)
    )
    return QuorumProgress(
        quorum=EditorialPolicy.load().quorum,
        approvals=outcomes.count(DecisionOutcome.APPROVE),
        waiting=list(
            submission.assignments.open()
            .order_by("invited_at", "pk")
            .values_list("reviewer__display_name", flat=True)
        ),
        held=any(outcome != DecisionOutcome.APPROVE for outcome in outcomes),
    )
