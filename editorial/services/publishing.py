"""Approval: the pinned revision goes live, and the public facts readers see are written
onto the article in the same transaction."""

import calendar
import datetime

from django.utils import timezone

from articles import page_cache
from articles.models import Article, ReviewRecord, ReviewStatus
from editorial.actions import AuditAction
from editorial.audit import reserve_entry
from editorial.errors import TransitionNotAllowed
from editorial.models import EditorialPolicy, SubmissionKind
from editorial.services import _core
from editorial.signing import records


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def submission_approve(*, submission, actor, comment="", reviewers=None, data=None):
    """Approve the pinned revision and publish it: the article's published revision,
    status, review dates and reviewer snapshot are written in this same transaction.
    ``reviewers`` are the board members whose approval counts (default: the actor's own
    board membership, if any). Refuses if the revision's content no longer matches the
    hash pinned at submission. Side effects: audit entry ``submission.approve``; a signed
    review record; the authors are told (outbox)."""
    if reviewers is None:
        member = getattr(actor, "board_member", None)
        reviewers = [member] if member is not None else []
    with _core.atomic():
        locked = _core.lock_with_article(submission)
        _core.check(locked, "approve", actor)
        return _do_approve(
            submission=locked,
            actor=actor,
            comment=comment,
            reviewers=reviewers,
            data=data,
            article_locked=True,
        )


def _do_approve(
    *,
    submission,
    actor,
    comment,
    reviewers,
    data,
    action=AuditAction.SUBMISSION_APPROVE,
    literature_current_through=None,
    article_locked=False,
):
    """``submission_approve`` for a caller that holds the submission's lock (and the
    article's, if ``article_locked``: ``_core.lock_with_article``) and has decided the
    approval stands (the quorum was reached, or the chair overrides)."""
    _core.require_transaction()
    _core.check_state(submission, "approve")
    if submission.revision.compute_content_hash() != submission.content_hash:
        raise TransitionNotAllowed(
            "The revision's content no longer matches what was submitted; not approved."
        )
    snapshot = [member.public_snapshot() for member in reviewers]
    policy = EditorialPolicy.load()
    override = action == AuditAction.SUBMISSION_OVERRIDE_APPROVE
    # Everything that does not need the approval's audit entry is done before it: the
    # audit chain's lock (taken by the entry, held to the commit, and waited for by every
    # workflow write on the site) then covers only the entries and the signed record,
    # which needs the entry's hash.
    with page_cache.changes_batched():  # the submission, article and record: one insert
        # _publish writes the article's public status with its other facts.
        from_state = _core.take_step(submission=submission, name="approve", public_status=False)
        review_record = _publish(
            submission,
            snapshot,
            override_reason=comment if override else "",
            literature_current_through=literature_current_through,
            policy=policy,
            article_locked=article_locked,
        )
    prepared = records.prepare_approval(
        submission=submission,
        review_record=review_record,
        actor=actor,
        action=action,
        comment=comment,
        policy=policy,
    )
    # The authors' notifications name the approval's entry by its id: reserved now, so
    # that they are written before the lock too.
    reserved = reserve_entry(actor=actor, action=action, comment=comment)
    _core.notify_authors(reserved, submission)
    entry = _core.record_step(
        submission=submission,
        name="approve",
        actor=actor,
        from_state=from_state,
        comment=comment,
        data={"content_hash": submission.content_hash, "reviewers": snapshot, **(data or {})},
        action=action,
        entry_id=reserved.pk,
    )
    records.sign_approval(prepared, entry=entry)
    return submission


def _publish(
    submission,
    snapshot,
    *,
    override_reason,
    literature_current_through,
    policy,
    article_locked,
):
    """``override_reason`` is set when the chair approved without the quorum: readers are
    told so, with the reason."""
    if article_locked:
        article = submission.article
    else:
        article = (
            Article.objects.select_for_update()
            .select_related("topic")
            .get(pk=submission.article_id)
        )
        submission.article = article
    now = submission.decided_at or timezone.now()
    months = article.topic.re_review_months or policy.re_review_months
    article.published_revision = submission.revision
    article.review_status = ReviewStatus.APPROVED
    article.first_published_at = article.first_published_at or now
    article.last_reviewed_at = now
    article.next_review_due = add_months(timezone.localdate(now), months)
    article.reviewed_by = snapshot
    article.approved_by_override = bool(override_reason)
    article.override_reason = override_reason
    article.literature_current_through = literature_current_through or timezone.localdate(now)
    article.cited_retraction_on = None  # the board has re-checked it
    article.save(
        update_fields=[
            "published_revision",
            "review_status",
            "first_published_at",
            "last_reviewed_at",
            "next_review_due",
            "reviewed_by",
            "approved_by_override",
            "override_reason",
            "literature_current_through",
            "cited_retraction_on",
        ]
    )
    return ReviewRecord.objects.create(
        article=article,
        revision=submission.revision,
        approved_at=now,
        content_hash=submission.content_hash,
        reviewers=snapshot,
        is_re_review=submission.kind == SubmissionKind.RE_REVIEW,
        is_override=article.approved_by_override,
        override_reason=override_reason,
        literature_current_through=article.literature_current_through,
    )
