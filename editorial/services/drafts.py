"""Authors' drafts: the content an author edits before (and between) submissions."""

from articles.models import Article
from articles.services import article_update_details, revision_draft_for_edit, revision_update_draft
from editorial.errors import TransitionNotAllowed
from editorial.models import REVIEWABLE_STATES
from editorial.services import _core


def article_save_draft(
    *, article, actor, content, references=None, topic=None, authors=None, slug=None, related=None
):
    """Save an author's edits as the article's draft and return that revision: the newest
    revision while it is still a draft, else a new revision copied from it, so a submitted
    or approved revision never changes (an approved one stays live until its successor is
    approved). ``content`` maps content fields to values; ``references`` (dicts), ``topic``
    and ``authors``, if given, replace what the article has, and so do ``slug`` (until the
    first submission; ``ValidationError`` after) and ``related`` (articles, in order).

    Refused with ``TransitionNotAllowed`` while a submission is submitted or under review:
    the board is reading that content. No audit entry: a draft is not workflow state."""
    with _core.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        in_review = locked.submissions.filter(state__in=REVIEWABLE_STATES).order_by("-pk").first()
        if in_review is not None:
            raise TransitionNotAllowed(
                f"This article is {in_review.get_state_display().lower()}: it cannot be edited "
                "while the board reviews it. Withdraw it first if it must change now."
            )
        if any(value is not None for value in (topic, authors, slug, related)):
            article_update_details(
                article=locked,
                topic=topic or locked.topic,
                authors=authors if authors is not None else locked.authors.all(),
                slug=slug,
                related=related,
            )
        revision = revision_draft_for_edit(article=locked, actor=actor)
        return revision_update_draft(revision=revision, references=references, **content)
