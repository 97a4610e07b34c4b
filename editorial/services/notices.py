"""Notices on an approved article: a correction, an update, an expression of concern or
the retraction of the article. Never silently applied: each is dated, gives its reason and
is shown at the top of the page, in its review history and in the feed."""

from django.utils import timezone

from articles.models import Article, Notice, NoticeKind
from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.roles import is_chair
from editorial.services import _core
from editorial.services.signatures import printed_name


def notice_issue(*, article, actor, kind, reason):
    """The chair publishes a ``kind`` notice with its ``reason`` on a published article.
    A retraction keeps the page reachable, banner-marked and ``noindex``. Runs in the
    caller's transaction when there is one (the admin's add form). Side effects: audit
    entry ``notice.issue``; the reader pages are refreshed (a watched model)."""
    reason = (reason or "").strip()
    if not is_chair(actor):
        raise NotPermitted("Only the board chair can publish a notice on an article.")
    if kind not in NoticeKind.values:
        raise InvalidInput(
            "Choose a correction, an update, an expression of concern or a retraction."
        )
    if not reason:
        raise InvalidInput("A notice needs its reason: readers are shown it.")
    with _core.nestable_atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.published_revision_id is None:
            raise TransitionNotAllowed("Only a published article can carry a notice.")
        if Notice.objects.filter(article=locked, kind=NoticeKind.RETRACTION).exists():
            raise TransitionNotAllowed("This article has been retracted.")
        notice = Notice.objects.create(
            article=locked,
            kind=kind,
            reason=reason,
            issued_at=timezone.now(),
            issued_by=printed_name(actor),
        )
        locked.last_notice_at = notice.issued_at
        locked.save(update_fields=["last_notice_at"])
        audit_record(
            actor=actor,
            action=AuditAction.NOTICE_ISSUE,
            target=notice,
            article=locked,
            comment=reason,
            data={"kind": kind, "revision": locked.published_revision_id},
        )
    return notice
