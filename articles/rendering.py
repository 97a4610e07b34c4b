"""Markdown to safe HTML, with ``[n]`` citation markers linked to the reference list.

Order matters: Markdown first, then nh3 strips everything outside the allow-list, then
citations are linked in text nodes only. The citation step writes markup it builds itself
from digits, so nothing from the author reaches the page unsanitized.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# [1], [1, 2], [1-3], [1–3], [2, 4-6]
CITATION_RE = re.compile(r"\[(\d{1,4}(?:\s*[,\u2013-]\s*\d{1,4})*)\]")
MAX_RANGE = 50
_TAG_RE = re.compile(r"(<[^>]*>)")
_SKIP_INSIDE = {"a", "code", "pre"}


def parse_citation(marker_body):
    """The reference numbers in one marker's inside (``"1, 3-5"`` → ``[1, 3, 4, 5]``).

    Returns ``None`` if the marker is malformed: a reversed range or one longer than
    ``MAX_RANGE`` (which would otherwise let an author make us emit thousands of links)."""
    numbers = []
    for part in re.split(r"\s*,\s*", marker_body.strip()):
        bounds = re.split(r"\s*[\u2013-]\s*", part)
        if len(bounds) == 1:
            numbers.append(int(bounds[0]))
            continue
        if len(bounds) != 2:
            return None
        start, end = int(bounds[0]), int(bounds[1])
        if end < start or end - start >= MAX_RANGE:
            return None
        numbers.extend(range(start, end + 1))
    return numbers


def cited_numbers(text):
    """Every reference number cited in Markdown ``text``, in order of first citation."""
    seen = {}
    for match in CITATION_RE.finditer(text or ""):
        for number in parse_citation(match.group(1)) or []:
            seen.setdefault(number, None)
    return list(seen)


def sanitize(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text, *, reference_count=0, id_prefix="cite"):
    """Render an article body. Citations of numbers 1..reference_count become links to
    ``#ref-n``; the first citation of each number gets ``id="{id_prefix}-n"`` so the
    reference list can link back to it."""
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    # "[1]: https://…" would turn citation [1] into a link elsewhere; references belong in
    # the reference list, so Markdown's link definitions are switched off.
    md.parser.blockprocessors.deregister("reference")
    html = md.convert(text or "")
    html = sanitize(html)
    return _link_citations(html, reference_count=reference_count, id_prefix=id_prefix)


def _link_citations(html, *, reference_count, id_prefix):
    first_seen = set()
    open_skips = 0
    parts = _TAG_RE.split(html)
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in _SKIP_INSIDE:
                open_skips += -1 if part.startswith("</") else 1
            continue
        if open_skips > 0 or "[" not in part:
            continue
        parts[index] = CITATION_RE.sub(
            lambda m: _citation_markup(m, reference_count, id_prefix, first_seen), part
        )
    return "".join(parts)


def _citation_markup(match, reference_count, id_prefix, first_seen):
    numbers = parse_citation(match.group(1))
    if not numbers or any(n < 1 or n > reference_count for n in numbers):
        return match.group(0)
    links = []
    for number in numbers:
        anchor_id = ""
        if number not in first_seen:
            first_seen.add(number)
            anchor_id = f' id="{id_prefix}-{number}"'
        links.append(
            f'<a href="#ref-{number}"{anchor_id} class="citation" '
            f'aria-label="Reference {number}">{number}</a>'
        )
    return '<sup class="citations">' + ", ".join(links) + "</sup>"
