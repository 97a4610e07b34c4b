"""Who may review what: the one rule behind both ``assignment_create`` (which refuses) and
the chair's suggestions (which explain). Pure: callers load the facts, in bulk or one by
one, and pass them in."""

from editorial.errors import (
    AlreadyAssigned,
    ReviewerAtCapacity,
    ReviewerConflicted,
    ReviewerInactive,
    ReviewerIsAuthor,
)


def conflict_reason(conflict):
    return f"Declared a conflict with the {conflict.get_kind_display().lower()} {conflict.subject}"


def why_ineligible(*, member, author_ids, conflicts, open_count, already_assigned):
    """The error that bars ``member`` from a new assignment, or ``None``.

    ``author_ids``: the article's authors' user ids; ``conflicts``: the member's active
    declarations that cover the article; ``open_count``: the member's open assignments;
    ``already_assigned``: whether one of them is on this submission."""
    if member.user_id in author_ids:
        return ReviewerIsAuthor(f"{member.display_name} is an author of this article.")
    if not member.is_active:
        return ReviewerInactive(f"{member.display_name} is not an active board member.")
    if conflicts:
        return ReviewerConflicted(f"{member.display_name}: {conflict_reason(conflicts[0])}.")
    if already_assigned:
        return AlreadyAssigned(f"{member.display_name} is already assigned to this submission.")
    if open_count >= member.max_open_assignments:
        return ReviewerAtCapacity(
            f"{member.display_name} is at capacity "
            f"({open_count} of {member.max_open_assignments} open reviews)."
        )
    return None
