"""Markdown to safe HTML, with ``[n]`` citation markers linked to the reference list.

Order matters: Markdown first, then nh3 strips everything outside the allow-list, then
citations are linked in text nodes only. The citation step writes markup it builds itself
from digits, so nothing from the author reaches the page unsanitized.
"""

import re
import unicodedata

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator

# Bump when anything below changes what a revision renders to: stored HTML from another
# version is rendered again on first read, and `manage.py rerender` does them all ahead.
# A library upgrade that changes output must bump it too, or stored pages keep the old
# (approved) output, which is the point of storing them.
# 2: the plain-language version's own summary and safety note.
# 3: the reference lists, citations and cut summaries (``articles.fragments``).
RENDERER_VERSION = 3

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


_HEADING_RE = re.compile(r"<h([234])>(.*?)</h\1>", re.DOTALL)
_CITE_ID_RE = re.compile(r' id="cite-\d+"')
_SPACE_BEFORE_CITATION_RE = re.compile(r"\s+(<sup class=\"citations\">)")
_CITATION_TEXT_RE = re.compile(r"\s*\[\d[\d,\s\u2013-]*\]")
# Headings of sections that must reach every reader whatever version they chose.
SAFETY_HEADING_RE = re.compile(
    r"\b(safety|warning|caution|pitfall|red flags?|danger|urgent|emergenc\w*|"
    r"when to (?:seek|get|call|see)|seek (?:urgent|immediate|medical)|contraindicat\w*|"
    r"side effects?|interactions?)\b",
    re.IGNORECASE,
)


def render_revision(revision, *, reference_count):
    """Every rendered field of a revision, for every audience: what the reader page,
    lists and feeds show. Plain data (a dict of strings), stored as is for submitted
    revisions (``articles.stored_html``)."""
    # The summary and the professional body share the ``cite-n`` anchors: the first
    # citation of n in either carries it. The plain-language body has its own (pcite-n).
    summary_html = render_field(revision.summary, reference_count, "cite")
    body_html = _drop_anchors(
        render_field(revision.body, reference_count, "cite"), cited_numbers(revision.summary)
    )
    # The plain-language version reads: its summary, its safety note, its body. They share
    # the ``pcite-n`` anchors the same way.
    patient_summary = getattr(revision, "patient_summary", "")
    patient_note = getattr(revision, "patient_safety_note", "")
    patient_note_html = _drop_anchors(
        render_field(patient_note, reference_count, "pcite"),
        cited_numbers(patient_summary),
        prefix="pcite",
    )
    patient_html = _drop_anchors(
        render_field(revision.patient_body, reference_count, "pcite"),
        cited_numbers(patient_summary) + cited_numbers(patient_note),
        prefix="pcite",
    )
    return {
        "summary_html": summary_html,
        "body_html": body_html,
        "patient_summary_html": render_field(patient_summary, reference_count, "pcite"),
        "patient_safety_html": patient_note_html,
        "patient_html": patient_html,
        "safety_html": safety_sections(body_html),
        "summary_text": plain_text(revision.summary),
    }


def render_field(text, reference_count, id_prefix):
    """Markdown to safe HTML with linked citations, each citation set against the word
    it supports (authors write "word [1]"; a detached superscript reads as a footnote
    to nothing)."""
    html = render_markdown(text, reference_count=reference_count, id_prefix=id_prefix)
    return _SPACE_BEFORE_CITATION_RE.sub(r"\1", html)


def _drop_anchors(html, numbers, *, prefix="cite"):
    for number in numbers:
        html = html.replace(f' id="{prefix}-{number}"', "", 1)
    return html


def safety_sections(html):
    """The sections of rendered ``html`` whose heading names safety information, with
    their headings demoted under the page's safety box and citation anchors removed (the
    full text, which owns those anchors, stays on the page)."""
    headings = list(_HEADING_RE.finditer(html))
    sections = []
    for index, heading in enumerate(headings):
        if not SAFETY_HEADING_RE.search(strip_tags(heading.group(2))):
            continue
        level = int(heading.group(1))
        end = len(html)
        for later in headings[index + 1 :]:
            if int(later.group(1)) <= level:
                end = later.start()
                break
        section = _CITE_ID_RE.sub("", html[heading.start() : end])
        sections.append(_shift_headings(section, 3 - level))
    return "".join(sections)


def _shift_headings(html, shift):
    if not shift:
        return html
    return re.sub(
        r"<(/?)h([234])>", lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + shift, 6)}>", html
    )


def plain_text(text):
    """Markdown ``text`` as one line of plain text without citation markers."""
    plain = strip_tags(render_markdown(text)).replace("\n", " ")
    return " ".join(_CITATION_TEXT_RE.sub("", plain).split())


def truncate(text, length):
    """Django's ``Truncator(text).chars(length)``, without its walk over every character
    of a text that already fits (that walk cost the reader page about 1 ms for its
    summary): a text that fits is returned as Truncator returns it, NFC-normalised."""
    text = unicodedata.normalize("NFC", str(text))
    if len(text) <= length:
        return text
    return Truncator(text).chars(length)


def plain_summary(text, length=200):
    return truncate(plain_text(text), length)
