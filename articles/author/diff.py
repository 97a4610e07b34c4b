"""Line diffs between two revisions, as data for a template (which escapes every line)."""

import difflib
from dataclasses import dataclass

FIELDS = (
    ("title", "Question"),
    ("summary", "Answer summary"),
    ("body", "Body"),
    ("patient_body", "Patient version"),
)
CONTEXT_LINES = 3


@dataclass(frozen=True)
class Line:
    kind: str  # "added", "removed", "context" or "hunk"
    text: str

    @property
    def sign(self):
        return {"added": "+", "removed": "−", "context": " ", "hunk": "…"}[self.kind]


@dataclass(frozen=True)
class FieldDiff:
    label: str
    lines: list[Line]

    @property
    def changed(self):
        return any(line.kind in ("added", "removed") for line in self.lines)


def reference_line(reference):
    """One reference as one comparable line."""
    parts = [f"[{reference.position}] {reference.get_kind_display()}: {reference.title}"]
    parts.append(f"{reference.source}, {reference.year}")
    parts.extend(
        f"{label} {value}"
        for label, value in (
            ("DOI", reference.doi),
            ("PMID", reference.pmid),
            ("URL", reference.url),
        )
        if value
    )
    return " · ".join(parts)


def line_diff(old_text, new_text):
    lines = []
    unified = difflib.unified_diff(
        (old_text or "").splitlines(), (new_text or "").splitlines(), lineterm="", n=CONTEXT_LINES
    )
    for raw in unified:
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(Line("hunk", raw))
        elif raw.startswith("+"):
            lines.append(Line("added", raw[1:]))
        elif raw.startswith("-"):
            lines.append(Line("removed", raw[1:]))
        else:
            lines.append(Line("context", raw[1:]))
    return lines


def revision_diff(old, new, *, old_references, new_references):
    """What changed from revision ``old`` to ``new``, field by field, then references."""
    diffs = [
        FieldDiff(label, line_diff(getattr(old, name), getattr(new, name)))
        for name, label in FIELDS
    ]
    diffs.append(
        FieldDiff(
            "References",
            line_diff(
                "\n".join(map(reference_line, old_references)),
                "\n".join(map(reference_line, new_references)),
            ),
        )
    )
    return diffs
