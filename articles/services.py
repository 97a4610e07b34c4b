"""Commands on content: drafting revisions. Workflow state is ``editorial.services``'s."""

from django.db import transaction

from articles.models import Article, Reference, Revision, RevisionLocked

CONTENT_FIELDS = ("title", "summary", "body", "patient_body")


def article_create(*, slug, topic, authors, created_by, title, summary, body, patient_body=""):
    """A new article with its first draft revision."""
    with transaction.atomic():
        article = Article.objects.create(slug=slug, topic=topic)
        article.authors.set(authors)
        revision = Revision.objects.create(
            article=article,
            number=1,
            created_by=created_by,
            title=title,
            summary=summary,
            body=body,
            patient_body=patient_body,
        )
    return article, revision


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
            rows = [Reference(revision=revision, **data) for data in references]
            for row in rows:  # bulk_create skips validation; a bad DOI must not be frozen
                row.full_clean(
                    exclude=["revision"], validate_unique=False, validate_constraints=False
                )
            revision.references.all().delete()
            Reference.objects.bulk_create(rows)
    return revision
