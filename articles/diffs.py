"""What changed between two revisions: the one comparison behind the reader's "what
changed" page, the reviewer's review screen and the author's "changes" page. Paragraph by
paragraph, and word by word inside a changed paragraph. Text only: the author's Markdown is
shown as escaped text, never rendered, so a diff cannot inject."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

CONTEXT_PARAGRAPHS = 1
_WORDS_RE = re.compile(r"(\s+)")


def reference_lines(references):
    lines = []
    for ref in references:
        ids = [
            f"DOI {ref.doi}" if ref.doi else "",
            f"PMID {ref.pmid}" if ref.pmid else "",
            ref.url,
        ]
        described = f"[{ref.position}] {ref.get_kind_display()}. {ref.title}. "
        described += f"{ref.source}, {ref.year}. {' '.join(part for part in ids if part)}"
        lines.append(described.strip())
    return lines


def _paragraphs(text):
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def compare_revisions(old, new, *, old_references=None, new_references=None):
    """A list of fields, each ``{"label", "changed", "rows"}``; a row is
    ``{"kind": "same" | "removed" | "added" | "changed" | "skipped", "html"}``, and a
    "changed" row also has ``old`` and ``new``, each whole paragraph escaped, for screens
    that show a change as a removed and an added line. References default to each
    revision's own (pass lists already fetched to save the queries)."""
    if old_references is None:
        old_references = old.references.all()
    if new_references is None:
        new_references = new.references.all()
    fields = [
        ("Question", [old.title], [new.title]),
        ("Answer summary", _paragraphs(old.summary), _paragraphs(new.summary)),
        ("Answer for healthcare professionals", _paragraphs(old.body), _paragraphs(new.body)),
        (
            "Plain-language summary",
            _paragraphs(getattr(old, "patient_summary", "")),
            _paragraphs(getattr(new, "patient_summary", "")),
        ),
        (
            "Plain-language safety note",
            _paragraphs(getattr(old, "patient_safety_note", "")),
            _paragraphs(getattr(new, "patient_safety_note", "")),
        ),
        (
            "Plain-language answer",
            _paragraphs(old.patient_body),
            _paragraphs(new.patient_body),
        ),
        ("References", reference_lines(old_references), reference_lines(new_references)),
    ]
    return [
        {"label": label, "changed": before != after, "rows": _rows(before, after)}
        for label, before, after in fields
        if before or after
    ]


def has_changes(fields):
    return any(field["changed"] for field in fields)


def _rows(before, after):
    rows = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            first, last = a0 == b0 == 0, a1 == len(before) and b1 == len(after)
            rows.extend(_context(before[a0:a1], first=first, last=last))
        elif tag == "delete":
            rows.extend(_row("removed", escape(line)) for line in before[a0:a1])
        elif tag == "insert":
            rows.extend(_row("added", escape(line)) for line in after[b0:b1])
        else:
            old_part, new_part = before[a0:a1], after[b0:b1]
            for old_line, new_line in zip(old_part, new_part, strict=False):
                row = _row("changed", words_diff(old_line, new_line))
                row.update(old=escape(old_line), new=escape(new_line))
                rows.append(row)
            paired = min(len(old_part), len(new_part))
            rows.extend(_row("removed", escape(line)) for line in old_part[paired:])
            rows.extend(_row("added", escape(line)) for line in new_part[paired:])
    return rows


def _context(lines, *, first, last):
    """Unchanged paragraphs: keep one either side of a change, count the rest."""
    if len(lines) <= 2 * CONTEXT_PARAGRAPHS + 1:
        return [_row("same", escape(line)) for line in lines]
    head = [] if first else lines[:CONTEXT_PARAGRAPHS]
    tail = [] if last else lines[-CONTEXT_PARAGRAPHS:]
    skipped = len(lines) - len(head) - len(tail)
    noun = "paragraph" if skipped == 1 else "paragraphs"
    return (
        [_row("same", escape(line)) for line in head]
        + [_row("skipped", f"{skipped} unchanged {noun}")]
        + [_row("same", escape(line)) for line in tail]
    )


def _row(kind, html):
    return {"kind": kind, "html": mark_safe(html)}  # noqa: S308 - built from escape()d text


def words_diff(old, new):
    """``old`` → ``new`` as escaped HTML with ``<del>`` and ``<ins>`` around the words
    that differ."""
    a, b = _WORDS_RE.split(old), _WORDS_RE.split(new)
    out = []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(escape("".join(a[a0:a1])))
            continue
        if a1 > a0:
            out.append(f"<del>{escape(''.join(a[a0:a1]))}</del>")
        if b1 > b0:
            out.append(f"<ins>{escape(''.join(b[b0:b1]))}</ins>")
    return "".join(out)
