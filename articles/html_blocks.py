"""Rendered HTML cut into blocks: paragraphs, list items, headings, table rows.

The input is HTML that has been through the sanitiser (``articles.rendering``). Nothing of
it is copied through as a string: it is parsed into tokens and written out again here,
every text escaped and only known attributes kept, so what comes out can only be as rich
as the markup this module writes. Citation links lose their link (a diff has no
reference list to jump to) and keep their numbers.
"""

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from html.parser import HTMLParser

BLOCK_TAGS = {
    "blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
LEAF_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "li", "p", "pre"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID_TAGS = {"br", "hr", "img", "wbr"}
KEPT_ATTRIBUTES = {"a": ("href", "title"), "abbr": ("title",), "th": ("scope",)}
# A word, a run of white space or one other character; "don't", "B12", "25,000" and
# "10.1000" are one word each.
LONG_BLOCKS = 250_000  # words × words
# A block this short must match as a whole to count as like a longer one.
MIN_CONTAINED_WORDS = 6
WORD_RE = re.compile(r"\s+|\w+(?:['’.,\-]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Cell:
    tag: str
    attrs: tuple
    tokens: tuple


@dataclass(frozen=True)
class Block:
    """One paragraph, list item, heading, table row or rule of rendered HTML. ``tokens``
    are its inline contents: ``("word" | "space", text)``, ``("open" | "void", tag,
    attrs)`` or ``("close", tag)``."""

    kind: str
    tokens: tuple = ()
    cells: tuple = ()
    container: str = ""  # "ul" or "ol" for a list item
    number: int = 0  # a list item's place in an ordered list
    quoted: bool = False
    prefix: str = field(default="", compare=False)  # escaped text shown before the content

    @cached_property
    def key(self):
        """What must be equal for two blocks to be the same (content and markup)."""
        inner = "|".join(serialise(c.tokens) for c in self.cells) or serialise(self.tokens)
        return f"{self.kind}:{self.container}:{self.quoted}:{inner}"

    @cached_property
    def words(self):
        tokens = [t for cell in self.cells for t in cell.tokens] or self.tokens
        return [t[1] for t in tokens if t[0] == "word"]

    def similarity(self, other):
        """How alike the words of two blocks are, 0 to 1: the share of all their words
        that match, or of the shorter block's words found in the other (a paragraph that
        grew is still itself), whichever is larger. Below one half, and for blocks that
        cannot be paired, 0."""
        if not self.pairs_with(other) or not self.words or not other.words:
            return 0.0
        total = len(self.words) + len(other.words)
        shorter = min(len(self.words), len(other.words))

        def score(matched):
            contained = matched / shorter if shorter >= MIN_CONTAINED_WORDS else 0.0
            return max(2 * matched / total, contained)

        matcher = word_matcher(self.words, other.words)
        if score(matcher.quick_ratio() * total / 2) < 0.5:  # an upper bound, and cheap
            return 0.0
        value = score(sum(block.size for block in matcher.get_matching_blocks()))
        return value if value >= 0.5 else 0.0

    def pairs_with(self, other):
        if "hr" in (self.kind, other.kind):
            return False
        if "tr" in (self.kind, other.kind):
            return self.kind == other.kind and len(self.cells) == len(other.cells)
        return True


def word_matcher(a, b):
    """A ``SequenceMatcher`` over two lists of words. Between two very long blocks the
    commonest words are left out of the search for matches (difflib's "autojunk"),
    which keeps a many-thousand-word paragraph from taking seconds."""
    return difflib.SequenceMatcher(a=a, b=b, autojunk=len(a) * len(b) > LONG_BLOCKS)


def text_block(text, *, kind="p", prefix=""):
    """A block of plain ``text`` (a question, a reference)."""
    return Block(kind=kind, tokens=tuple(words(text)), prefix=prefix)


def split_blocks(html):
    """The blocks of sanitised ``html``, in order; blocks without a word are left out."""
    parser = _Events()
    parser.feed(html or "")
    parser.close()
    splitter = _Splitter()
    for event in parser.events:
        splitter.handle(event)
    splitter.flush()
    return splitter.blocks


def render_block(block, inner=None, *, links=True):
    """``block`` as HTML that stands on its own (a list item in its list, a table row in
    a table); ``inner`` replaces its contents (a list of cells' contents for a row)."""
    if block.kind == "hr":
        return "<hr>"
    if block.kind == "tr":
        cells = inner or [serialise(cell.tokens, links=links) for cell in block.cells]
        row = "".join(
            f"{tag(cell.tag, cell.attrs)}{content}</{cell.tag}>"
            for cell, content in zip(block.cells, cells, strict=True)
        )
        return f'<table class="diff-table"><tbody><tr>{row}</tr></tbody></table>'
    inner = serialise(block.tokens, links=links) if inner is None else inner
    inner = block.prefix + inner
    if block.kind == "li":
        opening = f'<ol start="{block.number}">' if block.container == "ol" else "<ul>"
        html = f"{opening}<li>{inner}</li></{block.container or 'ul'}>"
    elif block.kind in HEADINGS:
        html = f'<p class="diff-heading">{inner}</p>'
    elif block.kind == "pre":
        html = f"<pre>{inner}</pre>"
    else:
        html = f"<p>{inner}</p>"
    return f"<blockquote>{html}</blockquote>" if block.quoted else html


def serialise(tokens, *, links=True):
    out = []
    for token in tokens:
        if not links and token[0] != "word" and token[0] != "space" and token[1] == "a":
            continue
        if token[0] in ("word", "space"):
            out.append(escape(token[1]))
        elif token[0] == "close":
            out.append(f"</{token[1]}>")
        else:
            out.append(tag(token[1], token[2]))
    return "".join(out)


def tag(name, attrs):
    attributes = "".join(f' {key}="{escape(value)}"' for key, value in attrs)
    return f"<{name}{attributes}>"


def words(text):
    return [("space" if part.isspace() else "word", part) for part in WORD_RE.findall(text)]


class _Events(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.events.append(("start", tag, attrs))
        if tag not in VOID_TAGS:
            self.events.append(("end", tag))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        self.events.append(("text", data))


class _Splitter:
    """Reads parser events into blocks. A block ends wherever a block-level tag opens or
    closes, so a list item's text before its nested list is a block of its own."""

    def __init__(self):
        self.blocks = []
        self.stack = []  # open block-level tags
        self.lists = []  # [tag, items so far] of each open list
        self.inline = []
        self.row = None  # cells of the table row being read
        self.cell = None
        self.in_citation = False

    def handle(self, event):
        if event[0] == "text":
            self._add(*words(event[1]))
        elif event[0] == "start":
            self._start(event[1], event[2])
        else:
            self._end(event[1])

    def _add(self, *tokens):
        (self.cell[2] if self.cell is not None else self.inline).extend(tokens)

    def _start(self, name, attrs):
        if name not in BLOCK_TAGS:
            if name == "a" and "citation" in (dict(attrs).get("class") or "").split():
                self.in_citation = True  # the number stays, the link to #ref-n goes
                return
            self._add(("void" if name in VOID_TAGS else "open", name, _kept(name, attrs)))
        elif name in ("td", "th") and self.row is not None:
            self.cell = (name, _kept(name, attrs), [])
        else:
            self.flush()
            if name == "tr":
                self.row = []
            elif name == "hr":
                self.blocks.append(Block(kind="hr"))
            else:
                if name in ("ul", "ol"):
                    self.lists.append([name, 0])
                elif name == "li" and self.lists:
                    self.lists[-1][1] += 1
                self.stack.append(name)

    def _end(self, name):
        if name not in BLOCK_TAGS:
            if name == "a" and self.in_citation:
                self.in_citation = False
            elif name not in VOID_TAGS:
                self._add(("close", name))
        elif name in ("td", "th") and self.cell is not None:
            tag, attrs, tokens = self.cell
            self.row.append(Cell(tag, attrs, tuple(_balanced(_trimmed(tokens)))))
            self.cell = None
        elif name == "tr" and self.row is not None:
            if any(t[0] == "word" for cell in self.row for t in cell.tokens):
                self.blocks.append(Block(kind="tr", cells=tuple(self.row)))
            self.row = None
        else:
            self.flush()
            if name in self.stack:
                while self.stack.pop() != name:
                    pass
                if name in ("ul", "ol") and self.lists:
                    self.lists.pop()

    def flush(self):
        tokens, self.inline = _balanced(_trimmed(self.inline)), []
        if not any(token[0] == "word" for token in tokens):
            return
        leaf = next((tag for tag in reversed(self.stack) if tag in LEAF_TAGS), "p")
        kind, container, number = leaf, "", 0
        if leaf in ("p", "li") and "li" in self.stack and self.lists:
            kind, (container, number) = "li", self.lists[-1]
        self.blocks.append(
            Block(
                kind=kind,
                tokens=tuple(tokens),
                container=container,
                number=number,
                quoted="blockquote" in self.stack,
            )
        )


def _kept(name, attrs):
    if name == "sup" and "citations" in (dict(attrs).get("class") or "").split():
        return (("class", "citations"),)
    allowed = KEPT_ATTRIBUTES.get(name, ())
    return tuple((key, value) for key, value in attrs if key in allowed and value is not None)


def _trimmed(tokens):
    start, end = 0, len(tokens)
    while start < end and tokens[start][0] == "space":
        start += 1
    while end > start and tokens[end - 1][0] == "space":
        end -= 1
    return tokens[start:end]


def _balanced(tokens):
    """``tokens`` with stray closing tags dropped and unclosed tags closed."""
    out, stack = [], []
    for token in tokens:
        if token[0] == "open":
            stack.append(token[1])
        elif token[0] == "close":
            if token[1] not in stack:
                continue
            while stack[-1] != token[1]:
                out.append(("close", stack.pop()))
            stack.pop()
        out.append(token)
    out.extend(("close", tag) for tag in reversed(stack))
    return out
