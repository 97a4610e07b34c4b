"""Commands on content: drafting revisions. Workflow state is ``editorial.services``'s."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from articles.models import Article, Reference, Revision, RevisionLocked

CONTENT_FIELDS = ("title", "summary", "body", "patient_body")
# Long enough to say what the question is about, short enough for a readable address.
SLUG_MAX_LENGTH = 80
SLUG_ATTEMPTS = 5


def article_slug_for(title):
    """A slug made from the question that no article uses yet (``-2``, ``-3``… appended
    if needed)."""
    base = slugify(title)[:SLUG_MAX_LENGTH].strip("-") or "article"
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def article_create(
    *,
    topic,
    authors,
    created_by,
    title,
    summary,
    body,
    patient_body="",
    slug=None,
    references=None,
):
    """A new article with its first draft revision and, if given, that revision's
    references (dicts with the keys of ``Reference.canonical()``; ``ValidationError`` if
    one is invalid, creating nothing). Without ``slug`` one
    is made from the title; two authors creating the same question at once both succeed,
    the second with a suffix."""
    content = {"title": title, "summary": summary, "body": body, "patient_body": patient_body}
    attempts = 1 if slug else SLUG_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                article = Article.objects.create(slug=slug or article_slug_for(title), topic=topic)
                article.authors.set(authors)
                revision = Revision.objects.create(
                    article=article, number=1, created_by=created_by, **content
                )
                Reference.objects.bulk_create(_valid_references(revision, references or ()))
                return article, revision
        except IntegrityError:
            if attempt == attempts:
                raise


def article_update_details(*, article, topic, authors):
    """Set the article's topic and authors (the people who may see and edit it)."""
    with transaction.atomic():
        if article.topic_id != topic.pk:
            article.topic = topic
            article.save(update_fields=["topic"])
        article.authors.set(authors)
    return article


def revision_draft_for_edit(*, article, actor):
    """The draft an author edits: the newest revision if still unlocked, else a new
    revision copied from the newest one (with its references). Editing never touches a
    submitted revision."""
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).first()
        latest = article.revisions.order_by("-number").first()
        if latest is not None and not latest.is_locked:
            return latest
        revision = Revision.objects.create(
            article=article,
            number=(latest.number + 1) if latest else 1,
            created_by=actor,
            **{field: getattr(latest, field) for field in CONTENT_FIELDS} if latest else {},
        )
        if latest is not None:
            Reference.objects.bulk_create(
                Reference(revision=revision, **ref.canonical()) for ref in latest.references.all()
            )
    return revision


def revision_update_draft(*, revision, references=None, **content):
    """Save content (and, if given, the full list of references as dicts) on a draft.
    Raises ``ValidationError`` for an invalid reference, changing nothing."""
    if revision.is_locked:
        raise RevisionLocked("This revision has been submitted; edit a new draft instead.")
    with transaction.atomic():
        for field, value in content.items():
            if field not in CONTENT_FIELDS:
                raise TypeError(f"Unknown content field {field!r}")
            setattr(revision, field, value)
        revision.save()
        if references is not None:
            rows = _valid_references(revision, references)
            revision.references.all().delete()
            Reference.objects.bulk_create(rows)
    return revision


def _valid_references(revision, references):
    """Unsaved references of ``revision``, each validated: bulk_create skips validation,
    and a bad DOI must not be frozen. Raises ``ValidationError``."""
    rows = [Reference(revision=revision, **data) for data in references]
    for row in rows:
        row.full_clean(exclude=["revision"], validate_unique=False, validate_constraints=False)
    return rows
