"""Conflicts of interest: declaring one (which withdraws the work it covers) and ending
one."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import Assignment
from editorial.roles import is_chair
from editorial.services import _core
from reviewers.models import BoardMember, ConflictOfInterest


def conflict_declare(*, member, actor, reason, topic=None, author=None, article=None):
    """Record ``member``'s conflict of interest with exactly one of a topic, an author or
    an article (by the member, or by the chair for them). The member's open assignments
    that the conflict covers are withdrawn. Side effects: audit entry ``conflict.declare``
    and one ``assignment.withdraw`` per assignment closed."""
    reason = (reason or "").strip()
    subjects = {"topic": topic, "author": author, "article": article}
    given = [kind for kind, value in subjects.items() if value is not None]
    if len(given) != 1:
        raise InvalidInput("Declare a conflict with one topic, one author or one article.")
    if not reason:
        raise InvalidInput("Say why you have a conflict of interest.")
    if member.user_id != actor.pk and not is_chair(actor):
        raise NotPermitted("You can declare conflicts of interest only for yourself.")
    kind = given[0]
    with _core.nestable_atomic():
        conflict = ConflictOfInterest(member=member, kind=kind, reason=reason, **subjects)
        try:
            with transaction.atomic():
                conflict.save()
        except IntegrityError as error:
            raise TransitionNotAllowed(
                f"{member.display_name} has already declared this conflict."
            ) from error
        audit_record(
            actor=actor,
            action=AuditAction.CONFLICT_DECLARE,
            target=conflict,
            article=article,
            comment=reason,
            data={
                "member": member.public_snapshot(),
                "kind": kind,
                "subject": str(conflict.subject),
            },
        )
        _withdraw_conflicted(conflict=conflict, actor=actor)
        # Taken last (submissions, then the member, as assignment_create does), so that an
        # invitation racing this declaration waits for it and then sees the conflict.
        BoardMember.objects.select_for_update().filter(pk=member.pk).first()
    return conflict


def _withdraw_conflicted(*, conflict, actor):
    covered = Assignment.objects.open().filter(reviewer=conflict.member)
    if conflict.topic_id:
        covered = covered.filter(submission__article__topic_id=conflict.topic_id)
    elif conflict.article_id:
        covered = covered.filter(submission__article_id=conflict.article_id)
    else:
        covered = covered.filter(submission__article__authors=conflict.author_id)
    for assignment in covered.distinct().only("pk", "submission_id").order_by("submission_id"):
        submission = _core.lock_submission_of(assignment)
        locked = _core.lock_assignment(assignment)
        if not locked.is_open:  # closed meanwhile by someone else
            continue
        _core.withdraw_locked(
            assignment=locked,
            submission=submission,
            actor=actor,
            reason="Conflict of interest declared.",
            data={"conflict": conflict.pk},
        )


def conflict_revoke(*, conflict, actor, reason=""):
    """End a declaration (it stays on record). Side effects: audit entry
    ``conflict.revoke``."""
    with _core.nestable_atomic():
        locked = (
            ConflictOfInterest.objects.select_for_update(of=("self",))
            .select_related("member", "topic", "author", "article")
            .get(pk=conflict.pk)
        )
        if locked.member.user_id != actor.pk and not is_chair(actor):
            raise NotPermitted("You can revoke only your own declarations.")
        if locked.revoked_at is not None:
            raise TransitionNotAllowed("This declaration was already revoked.")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CONFLICT_REVOKE,
            target=locked,
            article=locked.article,
            comment=reason.strip(),
            data={"member": locked.member.public_snapshot(), "kind": locked.kind},
        )
    return locked
