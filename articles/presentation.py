"""What the reader template needs, built in one place so that the author's preview renders
exactly what readers will get."""

from articles.rendering import render_markdown


def reader_context(*, article, revision, references=None, preview=False):
    """Context for ``articles/detail.html``. ``references`` may be passed when already
    loaded (prefetched), to save a query."""
    if references is None:
        references = list(revision.references.order_by("position"))
    return {
        "article": article,
        "revision": revision,
        "references": references,
        "body_html": render_markdown(revision.body, reference_count=len(references)),
        "patient_html": render_markdown(
            revision.patient_body, reference_count=len(references), id_prefix="pcite"
        ),
        "preview": preview,
    }
