"""Commands on content: drafting revisions. Workflow state is ``editorial.services``'s."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from articles.models import Article, Reference, RelatedQuestion, Revision, RevisionLocked

CONTENT_FIELDS = (
    "title",
    "summary",
    "body",
    "patient_body",
    "patient_summary",
    "patient_safety_note",
)
# What a draft's reference may hold that a submitted one should not: the author's
# checklist lists a malformed DOI or PMID and an impossible year, and the workspace refuses
# to submit until they are fixed (``workspace.commands``).
DRAFT_LENIENT_REFERENCE_FIELDS = ("doi", "pmid", "year")
# Long enough to say what the question is about, short enough for a readable address.
SLUG_MAX_LENGTH = 80
SLUG_ATTEMPTS = 5
# The largest year a reference's column holds (PostgreSQL smallint).
YEAR_STORABLE_MAX = 32767


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
    patient_summary="",
    patient_safety_note="",
    slug=None,
    references=None,
    related=(),
):
    """A new article with its first draft revision and, if given, that revision's
    references (dicts with the keys of ``Reference.canonical()``; ``ValidationError`` if
    one is invalid, creating nothing). Without ``slug`` one
    is made from the title; two authors creating the same question at once both succeed,
    the second with a suffix."""
    content = {
        "title": title,
        "summary": summary,
        "body": body,
        "patient_body": patient_body,
        "patient_summary": patient_summary,
        "patient_safety_note": patient_safety_note,
    }
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
                article_set_related(article=article, related=related)
                return article, revision
        except IntegrityError:
            if attempt == attempts:
                raise


def article_update_details(*, article, topic, authors, slug=None, related=None):
    """Set the article's topic and authors (the people who may see and edit it) and, if
    given, its slug (``ValidationError`` once it has been submitted, or if another article
    has it) and its related questions (articles, in order)."""
    with transaction.atomic():
        changed = []
        if article.topic_id != topic.pk:
            article.topic = topic
            changed.append("topic")
        if slug is not None and slug != article.slug:
            if not slug_is_editable(article):
                raise ValidationError({"slug": SLUG_LOCKED_MESSAGE})
            article.slug = slug
            changed.append("slug")
        if changed:
            try:
                with transaction.atomic():
                    article.save(update_fields=changed)
            except IntegrityError:
                raise ValidationError({"slug": SLUG_TAKEN_MESSAGE}) from None
        article.authors.set(authors)
        if related is not None:
            article_set_related(article=article, related=related)
    return article


SLUG_LOCKED_MESSAGE = (
    "The web address is fixed once the article has been submitted: links to it must keep working."
)
SLUG_TAKEN_MESSAGE = "Another article already has this web address: choose another."


def slug_is_editable(article):
    """An article's slug may change until its first submission (a submitted revision is
    locked): from then on reviewers, readers and feeds may hold links to it."""
    return not article.revisions.filter(locked_at__isnull=False).exists()


def article_set_related(*, article, related):
    """Make ``related`` (other articles, in order) the article's related questions. Rows are
    saved one by one so that each change reaches the reader-page cache."""
    wanted = [other for other in dict.fromkeys(related) if other.pk != article.pk]
    existing = {link.related_id: link for link in article.related_links.all()}
    for link in existing.values():
        if link.related_id not in {other.pk for other in wanted}:
            link.delete()
    for position, other in enumerate(wanted, start=1):
        link = existing.get(other.pk)
        if link is None:
            RelatedQuestion.objects.create(article=article, related=other, position=position)
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])


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
    """Unsaved references of ``revision``, each validated as a draft's (bulk_create skips
    validation): everything but the format of its DOI and PMID and the range of its year,
    which only need to fit their columns until the revision is submitted. Raises
    ``ValidationError``."""
    rows = [Reference(revision=revision, **data) for data in references]
    for row in rows:
        row.clean_fields(exclude=["revision", *DRAFT_LENIENT_REFERENCE_FIELDS])
        _check_storable(row)
    return rows


def _check_storable(reference):
    errors = {}
    for name in ("doi", "pmid"):
        limit = Reference._meta.get_field(name).max_length
        if len(getattr(reference, name) or "") > limit:
            errors[name] = f"At most {limit} characters."
    if not isinstance(reference.year, int) or not 0 <= reference.year <= YEAR_STORABLE_MAX:
        errors["year"] = "Enter a year of publication."
    if errors:
        raise ValidationError(errors)
