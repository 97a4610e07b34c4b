"""What changed between two revisions: the one comparison behind the reader's "what
changed" page, the reviewer's review screen and the author's "changes" page.

Each field is rendered as readers see it (the sanitising renderer of
``articles.rendering``; stored HTML when a revision's is at hand), cut into blocks
(paragraphs, list items, headings, table rows), and the blocks of the two versions are
aligned. A changed block shows the new version's markup with deleted words in ``<del>``
and inserted ones in ``<ins>`` (``articles.word_diff``); a paragraph that only moved is
shown once, as moved. References are compared one by one. Every row's HTML goes through
the sanitiser again before it is marked safe.
"""

import difflib
from dataclasses import dataclass, replace
from itertools import groupby

import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import rendering
from articles.html_blocks import render_block, split_blocks, text_block
from articles.models import RenderedRevision, Revision
from articles.word_diff import diff_blocks

CONTEXT_BLOCKS = 1  # unchanged blocks kept either side of a change
PAIR_SIMILARITY = 0.5  # less alike than this, a changed block is shown removed and added
MOVE_SIMILARITY = 0.6  # at least this alike, a block removed here and added there moved
MAX_PAIRING = 2500  # block pairs weighed in one changed stretch; beyond, paired in order
LABELS = {
    "removed": "Removed",
    "added": "Added",
    "changed": "Changed",
    "moved": "Moved",
    "renumbered": "Renumbered",
}
_DIFF_TAGS = rendering.ALLOWED_TAGS | {"del", "ins", "span"}
_DIFF_ATTRIBUTES = {**rendering.ALLOWED_ATTRIBUTES, "ol": {"start"}}
_DIFF_CLASSES = {
    "del": {"diff-block"},
    "ins": {"diff-block"},
    "p": {"diff-heading", "diff-note"},
    "span": {"diff-sr", "diff-was"},
    "sup": {"citations"},
    "table": {"diff-table"},
}


@dataclass(frozen=True)
class DiffField:
    """A field of a revision as the comparison shows it. ``stored`` names its HTML in a
    revision's stored rendering (``articles.stored_html``), used when loaded with it; a
    field that is not Markdown is compared as plain text."""

    label: str
    attribute: str
    stored: str = ""
    markdown: bool = True
    id_prefix: str = "cite"


# In page order; the references follow them.
FIELDS = [
    DiffField("Question", "title", markdown=False),
    DiffField("Answer summary", "summary", stored="summary_html"),
    DiffField("Answer for healthcare professionals", "body", stored="body_html"),
    DiffField(
        "Plain-language summary",
        "patient_summary",
        stored="patient_summary_html",
        id_prefix="pcite",
    ),
    DiffField(
        "Plain-language safety note",
        "patient_safety_note",
        stored="patient_safety_html",
        id_prefix="pcite",
    ),
    DiffField("Plain-language answer", "patient_body", stored="patient_html", id_prefix="pcite"),
]


def compare_revisions(old, new, *, old_references=None, new_references=None):
    """A list of fields, each ``{"label", "changed", "rows"}``; a row is ``{"kind",
    "label", "html"}`` with kind "same", "removed", "added", "changed", "moved",
    "renumbered" (a reference) or "skipped" (unchanged blocks left out), ``label`` the
    visible word for a change ("Added", …) and ``html`` safe, rendered HTML. A "changed"
    row also has ``old`` and ``new``, the two versions of the block whole. References
    default to each revision's own (pass lists already fetched to save the queries)."""
    old_references = list(old.references.all() if old_references is None else old_references)
    new_references = list(new.references.all() if new_references is None else new_references)
    fields = []
    for spec in FIELDS:
        before = _blocks(old, spec, len(old_references))
        after = _blocks(new, spec, len(new_references))
        if before or after:
            fields.append(_field(spec.label, _rows(_align(before, after), "paragraph")))
    if old_references or new_references:
        rows = _rows(_align_references(old_references, new_references), "reference")
        fields.append(_field("References", rows))
    return fields


def has_changes(fields):
    return any(field["changed"] for field in fields)


def reference_text(ref):
    """One reference as a line of text, without its number."""
    ids = [f"DOI {ref.doi}" if ref.doi else "", f"PMID {ref.pmid}" if ref.pmid else "", ref.url]
    described = f"{ref.get_kind_display()}. {ref.title}. {ref.source}, {ref.year}. "
    return (described + " ".join(part for part in ids if part)).strip()


def _field(label, rows):
    changed = any(row["kind"] not in ("same", "skipped") for row in rows)
    return {"label": label, "changed": changed, "rows": rows}


def _blocks(revision, spec, reference_count):
    source = getattr(revision, spec.attribute, "") or ""
    if not source.strip():
        return []
    if not spec.markdown:
        return [text_block(source)]
    html = _stored_html(revision, spec.stored)
    if html is None:
        html = rendering.render_field(source, reference_count, spec.id_prefix)
    return split_blocks(html)


def _stored_html(revision, key):
    """The stored HTML of one field, if the revision was loaded with a current one
    (``select_related("rendered")``): never a query of its own."""
    if not key or not isinstance(revision, Revision) or not Revision.rendered.is_cached(revision):
        return None
    try:
        stored = revision.rendered
    except RenderedRevision.DoesNotExist:
        return None
    if stored is None or stored.renderer_version != rendering.RENDERER_VERSION:
        return None
    return stored.fields.get(key)


# --- aligning blocks ----------------------------------------------------------------------


def _align(before, after):
    """``(kind, old block, new block)`` in reading order: same, removed, added, changed
    (a pair of like blocks), moved."""
    items = []
    matcher = difflib.SequenceMatcher(
        a=[b.key for b in before], b=[b.key for b in after], autojunk=False
    )
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            items.extend(("same", o, n) for o, n in zip(before[a0:a1], after[b0:b1], strict=True))
        else:
            items.extend(_pair(before[a0:a1], after[b0:b1]))
    return _moves(items)


def _pair(olds, news):
    """A changed stretch: the pairing of like blocks, in order, that is most alike in
    total (the rest removed or added)."""
    if len(olds) * len(news) > MAX_PAIRING:
        scores = {(i, i): olds[i].similarity(news[i]) for i in range(min(len(olds), len(news)))}
    else:
        scores = {(i, j): o.similarity(n) for i, o in enumerate(olds) for j, n in enumerate(news)}
    best = [[0.0] * (len(news) + 1) for _ in range(len(olds) + 1)]
    for i in range(len(olds) - 1, -1, -1):
        for j in range(len(news) - 1, -1, -1):
            score = scores.get((i, j), 0.0)
            paired = best[i + 1][j + 1] + score if score >= PAIR_SIMILARITY else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], paired)
    items, i, j = [], 0, 0
    while i < len(olds) or j < len(news):
        score = scores.get((i, j), 0.0)
        pairable = i < len(olds) and j < len(news) and score >= PAIR_SIMILARITY
        if pairable and best[i][j] == best[i + 1][j + 1] + score:
            items.append(("changed", olds[i], news[j]))
            i, j = i + 1, j + 1
            continue
        if j == len(news) or (i < len(olds) and best[i][j] == best[i + 1][j]):
            items.append(("removed", olds[i], None))
            i += 1
        else:
            items.append(("added", None, news[j]))
            j += 1
    return items


def _moves(items):
    """A block added where an equal (or nearly equal) one was removed moved: shown once,
    where it now stands."""
    removed = [index for index, item in enumerate(items) if item[0] == "removed"]
    for index, item in enumerate(items):
        if item is None or item[0] != "added" or not removed:
            continue
        new = item[2]
        candidates = [r for r in removed if items[r][1].key == new.key]
        if not candidates and len(removed) * len(items) <= MAX_PAIRING:
            scored = [(items[r][1].similarity(new), r) for r in removed]
            candidates = [
                r for score, r in sorted(scored, reverse=True) if score >= MOVE_SIMILARITY
            ]
        if candidates:
            removed.remove(candidates[0])
            items[index] = ("moved", items[candidates[0]][1], new)
            items[candidates[0]] = None
    return [item for item in items if item is not None]


def _rows(items, noun):
    rows = []
    groups = [(same, list(group)) for same, group in groupby(items, lambda i: i[0] == "same")]
    for number, (same, group) in enumerate(groups):
        if same:
            rows.extend(_context(group, noun, first=number == 0, last=number == len(groups) - 1))
        else:
            rows.extend(_row(*item) for item in group)
    return rows


def _context(items, noun, *, first, last):
    """Unchanged blocks: keep one either side of a change, count the rest."""
    if len(items) <= 2 * CONTEXT_BLOCKS + 1:
        return [_row(*item) for item in items]
    head = [] if first else items[:CONTEXT_BLOCKS]
    tail = [] if last else items[-CONTEXT_BLOCKS:]
    skipped = len(items) - len(head) - len(tail)
    text = f"{skipped} unchanged {noun}{'' if skipped == 1 else 's'}"
    skip = {"kind": "skipped", "label": "", "html": mark_safe(escape(text))}  # noqa: S308
    return [_row(*item) for item in head] + [skip] + [_row(*item) for item in tail]


def _row(kind, old, new):
    extra = {}
    if kind == "same" or kind == "renumbered":
        html = render_block(new)
    elif kind == "removed":
        html = f'<del class="diff-block">{render_block(old, links=False)}</del>'
    elif kind == "added":
        html = f'<ins class="diff-block">{render_block(new)}</ins>'
    elif kind == "moved" and old.key == new.key:
        html = render_block(new)
    else:
        html, words_changed = diff_blocks(old, new)
        if not words_changed and kind == "changed":
            html += '<p class="diff-note">Only the formatting changed.</p>'
        if kind == "changed":
            extra = {
                "old": _clean(render_block(old, links=False)),
                "new": _clean(render_block(new)),
            }
    return {"kind": kind, "label": LABELS.get(kind, ""), "html": _clean(html), **extra}


def _clean(html):
    cleaned = nh3.clean(
        html,
        tags=_DIFF_TAGS,
        attributes=_DIFF_ATTRIBUTES,
        allowed_classes=_DIFF_CLASSES,
        url_schemes=rendering.ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - through the sanitiser just now


# --- references ---------------------------------------------------------------------------


def _align_references(old_refs, new_refs):
    """References paired as ``_match_references`` says, in the new order, each removed
    one after the one that preceded it."""
    old_blocks = [_reference_block(ref) for ref in old_refs]
    new_blocks = [_reference_block(ref) for ref in new_refs]
    match = _match_references(old_refs, new_refs)
    ordered = []
    for index, new_block in enumerate(new_blocks):
        old_index = match.get(index)
        if old_index is None:
            ordered.append(((index, 0, 0), ("added", None, new_block)))
            continue
        ordered.append(((index, 0, 0), _reference_item(old_refs[old_index], new_refs[index])))
    paired_old = {old: new for new, old in match.items()}
    for old_index, old_block in enumerate(old_blocks):
        if old_index in paired_old:
            continue
        before = [paired_old[i] for i in range(old_index) if i in paired_old]
        place = (max(before) if before else -1, 1, old_index)
        ordered.append((place, ("removed", old_block, None)))
    return [item for _, item in sorted(ordered, key=lambda pair: pair[0])]


def _reference_item(old_ref, new_ref):
    old, new = _reference_block(old_ref), _reference_block(new_ref)
    renumbered = old_ref.position != new_ref.position
    if renumbered:
        was = f'<span class="diff-was">(was [{old_ref.position}])</span> '
        new = replace(new, prefix=f"[{new_ref.position}] {was}")
    if old.key != new.key:
        return ("changed", old, new)
    return ("renumbered" if renumbered else "same", old, new)


def _reference_block(ref):
    return text_block(reference_text(ref), prefix=f"[{int(ref.position)}] ")


def _match_references(old_refs, new_refs):
    """New index → old index of the same work: the same DOI, PMID or URL (else title);
    failing that, a nearly equal title, or a like one where no identifier contradicts."""
    match, by_identity = {}, {}
    for index, ref in enumerate(old_refs):
        by_identity.setdefault(_identity(ref), index)
    for index, ref in enumerate(new_refs):
        old_index = by_identity.pop(_identity(ref), None)
        if old_index is not None:
            match[index] = old_index
    for index, ref in enumerate(new_refs):
        if index in match:
            continue
        free = [i for i in range(len(old_refs)) if i not in match.values()]
        scored = [(_likeness(old_refs[i], ref), -i) for i in free]
        if scored and max(scored)[0] > 0:
            match[index] = -max(scored)[1]
    return match


def _likeness(old, new):
    """How alike two references' titles are (0 when they cannot be the same work)."""
    ratio = difflib.SequenceMatcher(
        a=old.title.lower().split(), b=new.title.lower().split(), autojunk=False
    ).ratio()
    conflict = any(
        getattr(old, name) and getattr(new, name) and getattr(old, name) != getattr(new, name)
        for name in ("doi", "pmid")
    )
    if ratio >= 0.9 or (ratio >= MOVE_SIMILARITY and not conflict):
        return ratio
    return 0.0


def _identity(ref):
    if ref.doi:
        return ("doi", ref.doi.strip().lower())
    if ref.pmid:
        return ("pmid", ref.pmid.strip())
    if ref.url:
        return ("url", ref.url.strip())
    return ("title", " ".join(ref.title.lower().split()))
