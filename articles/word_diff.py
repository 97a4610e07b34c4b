"""Two versions of one block of rendered HTML compared word by word, for
``articles.diffs``: the new version's markup kept, inserted words in ``<ins>``, deleted
ones in ``<del>`` where they stood, each announced to screen readers.

Tokens and blocks come from ``articles.html_blocks``; everything written here is built
from them, and ``articles.diffs`` sanitises the result once more.
"""

from articles.html_blocks import render_block, serialise, tag, word_matcher

# What screen readers hear around a marked change (the page's legend says what sighted
# readers see: struck-through and underlined text).
INS_OPEN = '<ins><span class="diff-sr">inserted: </span>'
INS_CLOSE = '<span class="diff-sr"> end inserted</span></ins>'
DEL_OPEN = '<del><span class="diff-sr">deleted: </span>'
DEL_CLOSE = '<span class="diff-sr"> end deleted</span></del>'
# Equal words between two larger edits, up to this many, are shown as part of the edit.
MAX_FOLDED_WORDS = 3


def diff_blocks(old, new):
    """``new`` rendered with the words that differ from ``old`` marked: inserted words in
    ``<ins>``, deleted ones in ``<del>`` where they stood. Returns ``(html, changed)``;
    ``changed`` is False when only the kind of block differs."""
    if new.kind == "tr":
        results = [
            diff_inline(o.tokens, n.tokens) for o, n in zip(old.cells, new.cells, strict=True)
        ]
        return (
            render_block(new, [html for html, _ in results]),
            any(changed for _, changed in results),
        )
    html, changed = diff_inline(old.tokens, new.tokens)
    return render_block(new, html), changed


def diff_inline(old_tokens, new_tokens):
    """The inline ``new_tokens`` as HTML, keeping their markup (emphasis, links,
    citations), with the words not in ``old_tokens`` in ``<ins>`` and the words of
    ``old_tokens`` not in ``new_tokens`` in ``<del>`` at the place they left. A word whose
    markup changed (made bold, linked elsewhere) counts as changed."""
    old_words, new_words = _keyed_words(old_tokens), _keyed_words(new_tokens)
    inserted, deletions = set(), {}
    opcodes = _opcodes([key for _, key in old_words], [key for _, key in new_words])
    for opcode, a0, a1, b0, b1 in opcodes:
        if opcode == "equal":
            continue
        if a1 > a0:
            first, last = old_words[a0][0], old_words[a1 - 1][0]
            html = DEL_OPEN + _fragment(old_tokens, first, last) + DEL_CLOSE
            anchor = _anchor(new_tokens, new_words, b0)
            # Spaced as the deleted words were: "a <del>b</del> c", "low<del>²</del>."
            if anchor == len(new_tokens):
                html = _space(old_tokens, first - 1, -1) + html
            elif b1 > b0 and new_tokens[anchor][0] == "word":
                html += " "  # "<del>2019</del> <ins>2024</ins>", not "20192024"
            else:
                html += _space(old_tokens, last + 1, 1)
            deletions[anchor] = html
        inserted.update(index for index, _ in new_words[b0:b1])
    return _mark(new_tokens, inserted, deletions), bool(inserted or deletions)


def _opcodes(a, b):
    """``SequenceMatcher`` opcodes, with a short run of equal words between two larger
    edits folded into them: "<del>food proteins</del> <ins>the proteins in food</ins>"
    reads better than "<ins>the</ins> proteins <ins>in</ins> food <del>proteins</del>"."""
    ops = [list(op) for op in word_matcher(a, b).get_opcodes()]
    index = 1
    while index < len(ops) - 1:
        before, (tag, a0, a1, _, _), after = ops[index - 1], ops[index], ops[index + 1]
        size = a1 - a0
        if (
            tag == "equal"
            and size <= MAX_FOLDED_WORDS
            and size <= max(before[2] - before[1], before[4] - before[3])
            and size <= max(after[2] - after[1], after[4] - after[3])
            and {before[0], after[0]} not in ({"insert"}, {"delete"})  # words only added
        ):
            ops[index - 1 : index + 2] = [["replace", before[1], after[2], before[3], after[4]]]
            index = max(index - 2, 1)  # the equal run before may fold now
        else:
            index += 1
    return ops


def _keyed_words(tokens):
    """``(token index, key)`` of each word; the key is the word with the markup around it."""
    stack, keyed = [], []
    for index, token in enumerate(tokens):
        if token[0] == "open":
            stack.append((token[1], token[2]))
        elif token[0] == "close" and stack:
            stack.pop()
        elif token[0] == "word":
            keyed.append((index, (token[1], tuple(stack))))
    return keyed


def _partners(tokens):
    """Index of each opening or closing tag → index of its other half."""
    partners, stack = {}, []
    for index, token in enumerate(tokens):
        if token[0] == "open":
            stack.append(index)
        elif token[0] == "close" and stack:
            opening = stack.pop()
            partners[opening], partners[index] = index, opening
    return partners


def _anchor(tokens, words, position):
    """Where deleted words before new word ``position`` go: after the previous word and
    the space and closing tags that follow it, before anything that opens."""
    if position >= len(words):
        return len(tokens)
    index = words[position - 1][0] + 1 if position else 0
    while index < len(tokens) and tokens[index][0] in ("space", "close"):
        index += 1
    return index


def _space(tokens, index, step):
    """A space if one stood at ``index``, looking ``step``-wise past tags, but not past a
    superscript's: a citation hangs on the word before it."""
    while 0 <= index < len(tokens) and tokens[index][0] in ("open", "close"):
        if tokens[index][1] == "sup":
            return ""
        index += step
    return " " if 0 <= index < len(tokens) and tokens[index][0] == "space" else ""


def _fragment(tokens, first, last):
    """Tokens ``first``..``last`` as balanced HTML without links, the markup that
    encloses them opened again around them."""
    stack = []
    for token in tokens[:first]:
        if token[0] == "open":
            stack.append(token)
        elif token[0] == "close" and stack:
            stack.pop()
    stack = [token for token in stack if token[1] != "a"]
    out = [tag(token[1], token[2]) for token in stack]
    for token in tokens[first : last + 1]:
        if token[1] == "a" and token[0] in ("open", "close"):
            continue
        if token[0] == "open":
            stack.append(token)
        elif token[0] == "close":
            if not stack or stack[-1][1] != token[1]:
                continue
            stack.pop()
        out.append(serialise([token]))
    out.extend(f"</{token[1]}>" for token in reversed(stack))
    return "".join(out)


def _mark(tokens, inserted, deletions):
    """``tokens`` as HTML with the ``inserted`` words wrapped in ``<ins>`` and the
    ``deletions`` (token index → HTML) placed. An ``<ins>`` holds whole elements only:
    it closes before a tag whose other half lies outside it and opens again at the next
    inserted word, so the markup stays nested."""
    partners = _partners(tokens)
    run_end = _run_ends(tokens, inserted, deletions)
    out, opened_at, end = [], None, None
    for index, token in enumerate(tokens):
        if index in deletions:
            if opened_at is not None:
                out.append(INS_CLOSE)
                opened_at = None
            out.append(deletions[index])
        if opened_at is not None and token[0] in ("open", "close"):
            partner = partners.get(index, index)
            if partner < opened_at or partner > end:
                out.append(INS_CLOSE)
                opened_at = None
        if index in inserted and opened_at is None:
            out.append(INS_OPEN)
            opened_at = index
            end = _extent(tokens, partners, run_end[index], opened_at, deletions)
        out.append(serialise([token]))
        if opened_at is not None and index == end:
            out.append(INS_CLOSE)
            opened_at = None
    if len(tokens) in deletions:
        out.append(deletions[len(tokens)])
    return "".join(out)


def _extent(tokens, partners, last_word, opened_at, deletions):
    """Where an ``<ins>`` opened at ``opened_at`` ends: after the run's last inserted word
    and the closing tags right after it of elements opened inside it."""
    end = last_word
    while (
        end + 1 < len(tokens)
        and end + 1 not in deletions
        and tokens[end + 1][0] == "close"
        and partners.get(end + 1, -1) >= opened_at
    ):
        end += 1
    return end


def _run_ends(tokens, inserted, deletions):
    """Inserted word index → the last inserted word of its run (a run of inserted words,
    spaces and tags, unbroken by a kept word or a deletion)."""
    ends, current = {}, []
    for index, token in enumerate(tokens):
        if index in deletions or (token[0] == "word" and index not in inserted):
            _close_run(ends, current)
            current = []
        if index in inserted:
            current.append(index)
    _close_run(ends, current)
    return ends


def _close_run(ends, run):
    for index in run:
        ends[index] = run[-1]
