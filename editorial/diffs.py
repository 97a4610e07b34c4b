"""What changed between two revisions, as the reviewer reads it: a unified diff of the
text readers see (question, summary, body, plain-language version, references). Lines are
returned as data; the template escapes them."""

import difflib
from dataclasses import dataclass

SECTIONS = (
    ("title", "Question"),
    ("summary", "Summary"),
    ("body", "Body"),
    ("patient_body", "Plain-language version"),
)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "remove", "context" or "hunk"
    text: str


def _reference_line(reference):
    identifiers = " ".join(
        part for part in (f"DOI {reference.doi}" if reference.doi else "",
                          f"PMID {reference.pmid}" if reference.pmid else "",
                          reference.url) if part
    )  # fmt: skip
    return (
        f"[{reference.position}] {reference.get_kind_display()}: {reference.title}. "
        f"{reference.source}, {reference.year}. {identifiers}"
    ).strip()


def revision_lines(revision, references):
    lines = []
    for field_name, label in SECTIONS:
        text = getattr(revision, field_name)
        if not text:
            continue
        lines.append(f"## {label}")
        lines.extend(text.splitlines())
        lines.append("")
    if references:
        lines.append("## References")
        lines.extend(_reference_line(reference) for reference in references)
    return lines


def revision_diff(old, new, *, old_references, new_references, context=3):
    """The diff from ``old`` to ``new`` as ``DiffLine``s; empty if nothing changed."""
    diff = difflib.unified_diff(
        revision_lines(old, old_references),
        revision_lines(new, new_references),
        fromfile=f"revision {old.number}",
        tofile=f"revision {new.number}",
        n=context,
        lineterm="",
    )
    lines = []
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line))
        elif line.startswith("-"):
            lines.append(DiffLine("remove", line))
        else:
            lines.append(DiffLine("context", line))
    return lines
