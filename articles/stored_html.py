"""The HTML of submitted revisions, rendered once and stored with the renderer version.

A submitted revision never changes, so its Markdown is rendered, sanitised and its
citations linked once: when it is submitted (``revision_store_rendered``, called by the
submission service in its transaction), or on first read for a revision stored before
this existed or by another renderer version (``revision_fields``); ``manage.py rerender``
does the latter for all of them ahead of readers. Drafts (previews) render live. The
content hash is the source's: storing or re-rendering HTML never touches the revision.
"""

import logging

from django.db import DatabaseError, transaction

from articles import fragments
from articles.models import RenderedRevision, Revision
from articles.rendering import RENDERER_VERSION, plain_text, render_revision

logger = logging.getLogger(__name__)


def revision_fields(revision, *, references):
    """The rendered fields of ``revision`` (``rendering.render_revision`` and
    ``fragments.revision_fragments``): the stored ones for a submitted revision, rendering
    and storing them first if they are missing or from another renderer version; a
    draft's rendered live. ``references``: the revision's references in position order,
    or a function returning them (called only to render)."""
    if revision.pk is not None and revision.is_locked:
        try:
            stored = revision.rendered
        except RenderedRevision.DoesNotExist:
            stored = None
        if stored is not None and stored.renderer_version == RENDERER_VERSION:
            return stored.fields
    fields = render_all(revision, references() if callable(references) else references)
    if revision.pk is not None and revision.is_locked:
        _store(revision, fields)
    return fields


def revision_store_rendered(revision, *, references=None):
    """Render a submitted revision's fields and store them (in the caller's transaction,
    if any). Returns the fields."""
    if references is None:
        references = list(revision.references.order_by("position"))
    fields = render_all(revision, references)
    _store(revision, fields)
    return fields


def render_all(revision, references):
    """Every stored field of ``revision``, rendered now."""
    fields = render_revision(revision, reference_count=len(references))
    fields.update(
        fragments.revision_fragments(revision, references, summary_text=fields["summary_text"])
    )
    return fields


def _store(revision, fields):
    """Upsert: two readers rendering the same revision at once both succeed. A failure to
    store costs the next reader a render, never this reader the page."""
    row = RenderedRevision(revision=revision, renderer_version=RENDERER_VERSION, fields=fields)
    try:
        with transaction.atomic():
            RenderedRevision.objects.bulk_create(
                [row],
                update_conflicts=True,
                unique_fields=["revision"],
                update_fields=["renderer_version", "fields", "rendered_at"],
            )
    except DatabaseError:
        logger.warning("Could not store the rendered HTML of revision %s.", revision.pk)
        return
    revision.rendered = row


def revisions_to_render():
    """Submitted revisions with no stored HTML of the current renderer version, in id
    order (so an interrupted ``rerender`` resumes where it stopped)."""
    return (
        Revision.objects.filter(locked_at__isnull=False)
        .exclude(rendered__renderer_version=RENDERER_VERSION)
        .order_by("pk")
    )


def summary_text(revision):
    """The plain text of a revision's summary (lists and feeds): stored if it is, else
    rendered now (it needs no references, so nothing is stored from here)."""
    stored = getattr(revision, "rendered", None) if revision.is_locked else None
    if stored is not None and stored.renderer_version == RENDERER_VERSION:
        return stored.fields["summary_text"]
    return plain_text(revision.summary)
