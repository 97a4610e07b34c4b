"""The rendered, word-level diff behind the "what changed" page, the review screen and the
author's changes page (issue 10): text as readers see it, inserted and deleted words marked
inside the new version's markup, moved paragraphs shown once, references compared one by
one, and nothing an author writes in either revision reaching the page as markup."""

import re

import pytest

from articles.diffs import compare_revisions, has_changes
from articles.models import Reference, RenderedRevision, Revision
from articles.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from articles.selectors import approved_revision
from articles.services import revision_draft_for_edit, revision_update_draft
from articles.stored_html import revision_store_rendered
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.articles.test_rendering import XSS_PAYLOADS, Page, is_safe_url, payload_ids

BODY = "Answer for healthcare professionals"


def revision(body="", *, title="Does iron help?", summary="Yes.", patient_body=""):
    """An unsaved revision: rendered live, no query."""
    return Revision(title=title, summary=summary, body=body, patient_body=patient_body)


def reference(position, title="A trial", **fields):
    values = {"kind": "research", "source": "BMJ", "year": 2020, "doi": "", "pmid": "", "url": ""}
    return Reference(position=position, title=title, **{**values, **fields})


def compare(old, new, old_refs=(), new_refs=()):
    return compare_revisions(old, new, old_references=list(old_refs), new_references=list(new_refs))


def field(fields, label):
    return next(f for f in fields if f["label"] == label)


def body_rows(old_body, new_body, **kwargs):
    return field(compare(revision(old_body), revision(new_body), **kwargs), BODY)["rows"]


def changes(rows):
    return [(row["kind"], str(row["html"])) for row in rows if row["kind"] != "same"]


def inserted(html):
    return re.findall(r'<ins><span class="diff-sr">inserted: </span>(.*?)<span', str(html))


def deleted(html):
    return re.findall(r'<del><span class="diff-sr">deleted: </span>(.*?)<span', str(html))


# --- words -----------------------------------------------------------------------------


def test_inserted_words_are_marked_in_the_rendered_paragraph():
    [(kind, html)] = changes(body_rows("Iron tablets help.", "Iron tablets often help."))

    assert kind == "changed"
    assert html == (
        '<p>Iron tablets <ins><span class="diff-sr">inserted: </span>often'
        '<span class="diff-sr"> end inserted</span></ins> help.</p>'
    )
    assert deleted(html) == []


def test_deleted_words_are_marked_where_they_stood():
    [(kind, html)] = changes(body_rows("Iron tablets often help.", "Iron tablets help."))

    assert kind == "changed"
    assert deleted(html) == ["often"]
    assert inserted(html) == []
    assert html.startswith("<p>Iron tablets <del>") and html.endswith("</del> help.</p>")


def test_a_replaced_word_shows_the_old_struck_and_the_new_inserted():
    [(_, html)] = changes(body_rows("The commoner cause.", "The rarer cause."))

    assert (deleted(html), inserted(html)) == (["commoner"], ["rarer"])
    assert html.index("commoner") < html.index("rarer")


def test_a_word_or_two_kept_between_larger_edits_is_folded_into_them():
    [(_, html)] = changes(
        body_rows("Acid frees B12 from food proteins.", "Acid frees B12 from the proteins in food.")
    )

    assert (deleted(html), inserted(html)) == (["food proteins"], ["the proteins in food"])

    [(_, html)] = changes(
        body_rows(
            "Years of PPI use causes B12 deficiency.",
            "Years of proton pump inhibitor (PPI) use was associated with deficiency.",
        )
    )
    assert deleted(html) == ["PPI use causes B12"]  # one fold makes the next possible
    assert inserted(html) == ["proton pump inhibitor (PPI) use was associated with"]


def test_a_replaced_number_stands_apart_from_its_replacement():
    [(_, html)] = changes(body_rows("Published in 2019.", "Published in 2024."))

    assert "end deleted</span></del> <ins>" in html  # not "20192024"
    assert html.endswith("end inserted</span></ins>.</p>")


def test_the_new_versions_markup_is_kept_around_the_marks():
    old = "Iron is *often* the cause [1]."
    new = "Iron is *often* the usual cause, see [NICE](https://www.nice.org.uk) [1]."
    refs = [reference(1)]
    [(_, html)] = changes(body_rows(old, new, old_refs=refs, new_refs=refs))

    assert "<em>often</em>" in html
    assert '<a href="https://www.nice.org.uk" rel="noopener noreferrer nofollow">NICE</a>' in html
    assert '<sup class="citations">1</sup>' in html  # the citation as readers see it
    assert "[1]" not in html and "*often*" not in html  # no Markdown left
    assert 'href="#ref-' not in html and 'id="cite-' not in html  # no anchors to clash
    assert inserted(html) == [
        "usual",
        ', see <a href="https://www.nice.org.uk" rel="noopener noreferrer nofollow">NICE</a>',
    ]


def test_a_word_that_only_became_bold_counts_as_changed():
    [(_, html)] = changes(body_rows("Test ferritin first.", "Test **ferritin** first."))

    assert deleted(html) == ["ferritin"]
    assert '</del> <strong><ins><span class="diff-sr">inserted: </span>ferritin<span' in html


def test_an_insertion_across_markup_keeps_the_markup_nested():
    [(_, html)] = changes(body_rows("Iron helps.", "Iron helps, as *two trials* show."))

    assert inserted(html) == [", as <em>two trials</em> show"]  # one <ins>, markup inside
    assert html.endswith("</ins>.</p>")


def test_a_changed_citation_is_marked_on_the_superscript():
    refs = [reference(1), reference(2)]
    [(_, html)] = changes(
        body_rows("Ferritin [1] is low [2].", "Ferritin [2] is low.", old_refs=refs, new_refs=refs)
    )

    assert html == (
        '<p>Ferritin<del><span class="diff-sr">deleted: </span><sup class="citations">1</sup>'
        '<span class="diff-sr"> end deleted</span></del><sup class="citations"><ins>'
        '<span class="diff-sr">inserted: </span>2<span class="diff-sr"> end inserted</span>'
        '</ins></sup> is low<del><span class="diff-sr">deleted: </span><sup class="citations">2'
        '</sup><span class="diff-sr"> end deleted</span></del>.</p>'
    )


def test_a_deleted_link_is_no_longer_a_link():
    [(_, html)] = changes(
        body_rows("See [the guideline](https://example.org) now.", "See the summary now.")
    )
    assert "https://example.org" not in html
    assert "guideline" in "".join(deleted(html))


def test_a_paragraph_that_grew_is_changed_not_replaced():
    old = "Iron tablets help most people with low ferritin."
    new = (
        "Iron tablets help most people with low ferritin, but take them every other day "
        "with vitamin C and allow three months before judging."
    )
    [(kind, html)] = changes(body_rows(old, new))

    assert kind == "changed"
    assert deleted(html) == []
    assert inserted(html) == [
        ", but take them every other day with vitamin C and allow three months before judging"
    ]


def test_a_rewritten_paragraph_is_shown_removed_and_added():
    rows = body_rows("Ferritin below 75 needs iron.", "Magnesium does not help cramps at all.")

    assert [kind for kind, _ in changes(rows)] == ["removed", "added"]
    removed, added = changes(rows)
    assert removed[1] == '<del class="diff-block"><p>Ferritin below 75 needs iron.</p></del>'
    assert added[1] == '<ins class="diff-block"><p>Magnesium does not help cramps at all.</p></ins>'
    assert [row["label"] for row in rows] == ["Removed", "Added"]


# --- blocks ----------------------------------------------------------------------------


def test_a_moved_paragraph_is_shown_once_as_moved():
    old = "First point.\n\nSecond point.\n\nThird point here."
    new = "Third point here.\n\nFirst point.\n\nSecond point."
    rows = body_rows(old, new)

    assert changes(rows) == [("moved", "<p>Third point here.</p>")]
    assert [row["label"] for row in rows if row["kind"] == "moved"] == ["Moved"]


def test_a_moved_and_edited_paragraph_is_moved_with_its_words_marked():
    old = "Intro.\n\nIron is the commoner cause of restless legs.\n\nOutro."
    new = "Iron is the most common cause of restless legs.\n\nIntro.\n\nOutro."
    [(kind, html)] = changes(body_rows(old, new))

    assert kind == "moved"
    assert deleted(html) == ["commoner"]
    assert inserted(html) == ["most common"]


def test_list_items_headings_and_table_rows_are_blocks_of_their_own():
    table = "| Dose | Use |\n|---|---|\n| 1 mg | {} |"
    old = "## Doses\n\n1. One tablet\n2. Two tablets\n\n" + table.format("daily")
    new = "## Doses\n\n1. One tablet\n2. Three tablets\n\n" + table.format("weekly")
    rows = body_rows(old, new)

    assert rows[0]["html"] == '<p class="diff-heading">Doses</p>'  # no <h2> inside the diff
    kinds = changes(rows)
    assert [kind for kind, _ in kinds] == ["changed", "changed"]
    item, row = kinds[0][1], kinds[1][1]
    assert item.startswith('<ol start="2"><li>') and inserted(item) == ["Three"]
    assert row.startswith('<table class="diff-table"><tbody><tr><td>1 mg</td><td>')
    assert (deleted(row), inserted(row)) == (["daily"], ["weekly"])


def test_long_unchanged_stretches_are_counted_not_shown():
    old = "\n\n".join(f"Paragraph {n}." for n in range(1, 10))
    new = old.replace("Paragraph 5.", "Paragraph five.")
    rows = body_rows(old, new)

    assert [row["kind"] for row in rows] == ["skipped", "same", "changed", "same", "skipped"]
    assert [str(row["html"]) for row in rows if row["kind"] == "skipped"] == [
        "3 unchanged paragraphs",
        "3 unchanged paragraphs",
    ]


def test_unchanged_fields_say_so_and_identical_revisions_have_no_changes():
    old = revision("Same body [1].", summary="Same summary.")
    new = revision("Same body [1].", summary="A new summary.")
    refs = [reference(1)]

    fields = compare(old, new, refs, refs)

    assert [(f["label"], f["changed"]) for f in fields] == [
        ("Question", False),
        ("Answer summary", True),
        (BODY, False),
        ("References", False),
    ]
    assert not has_changes(compare(old, old, refs, refs))


def test_a_field_added_from_nothing_is_all_added():
    fields = compare(revision("Body."), revision("Body.", patient_body="In plain words."))

    plain = field(fields, "Plain-language answer")
    assert plain["changed"]
    assert changes(plain["rows"]) == [
        ("added", '<ins class="diff-block"><p>In plain words.</p></ins>')
    ]


# --- references ------------------------------------------------------------------------


def test_references_are_compared_one_by_one():
    old_refs = [
        reference(1, "NICE guideline", kind="guideline", doi="10.1000/nice"),
        reference(2, "An old cohort", doi="10.1000/old"),
        reference(3, "A trial of iron", doi="10.1000/trial", year=2019),
    ]
    new_refs = [
        reference(1, "NICE guideline", kind="guideline", doi="10.1000/nice"),
        reference(2, "A trial of oral iron", doi="10.1000/trial", year=2021),
        reference(3, "A 2025 meta-analysis", doi="10.1000/meta"),
    ]

    rows = field(compare(revision(), revision(), old_refs, new_refs), "References")["rows"]

    assert [row["kind"] for row in rows] == ["same", "removed", "changed", "added"]
    same, removed, changed, added = (str(row["html"]) for row in rows)
    assert same.startswith("<p>[1] Guideline. NICE guideline.")
    assert "An old cohort" in removed and removed.startswith('<del class="diff-block">')
    assert changed.startswith('<p>[2] <span class="diff-was">(was [3])</span> ')
    assert inserted(changed) == ["oral", "2021"] and deleted(changed) == ["2019"]
    assert "A 2025 meta-analysis" in added and added.startswith('<ins class="diff-block">')


def test_a_reference_that_only_moved_is_renumbered():
    old_refs = [reference(1, "Alpha", pmid="111"), reference(2, "Beta", pmid="222")]
    new_refs = [reference(1, "Beta", pmid="222"), reference(2, "Alpha", pmid="111")]

    rows = field(compare(revision(), revision(), old_refs, new_refs), "References")["rows"]

    assert [(row["kind"], row["label"]) for row in rows] == [
        ("renumbered", "Renumbered"),
        ("renumbered", "Renumbered"),
    ]
    assert str(rows[0]["html"]).startswith('<p>[1] <span class="diff-was">(was [2])</span> ')


# --- safety ----------------------------------------------------------------------------

DIFF_CLASSES = {
    "del": {"diff-block"},
    "ins": {"diff-block"},
    "p": {"diff-heading", "diff-note"},
    "span": {"diff-sr", "diff-was"},
    "sup": {"citations"},
    "table": {"diff-table"},
}
DIFF_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "ol": {"start"}, "a": {"href", "title", "rel"}}


def markup_problems(fields):
    problems = []
    for diff_field in fields:
        for row in diff_field["rows"]:
            for key in ("html", "old", "new"):
                if key not in row:
                    continue
                html = str(row[key])
                if "<script" in html.lower():
                    problems.append(f"<script in {key}")
                page = Page(html)
                problems.extend(f"comment {c!r}" for c in page.comments)
                for tag, attrs in page.tags:
                    if tag not in ALLOWED_TAGS | {"del", "ins", "span"}:
                        problems.append(f"<{tag}>")
                    for name, value in attrs:
                        if name == "class":
                            if not set(value.split()) <= DIFF_CLASSES.get(tag, set()):
                                problems.append(f'<{tag} class="{value}">')
                        elif name not in DIFF_ATTRIBUTES.get(tag, set()):
                            problems.append(f"<{tag} {name}=>")
                        elif name == "href" and not is_safe_url(value):
                            problems.append(f"unsafe href {value!r}")
    return problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=payload_ids())
def test_no_payload_in_either_revision_becomes_markup_in_the_diff(payload):
    versions = [
        revision(f"Intro [1].\n\n{payload}\n\nEnd [2].", title=payload[:300], summary=payload),
        revision(f"Intro [1].\n\nNew words {payload} here.\n\nEnd.", patient_body=payload),
        revision("Intro [1].\n\nPlain text.", summary=f"Other {payload}"),
    ]
    refs = [reference(1, payload[:500], url="https://example.org"), reference(2, "Safe")]
    payload_refs = [reference(1, "Safe", source=payload[:300]), reference(2, payload[:500])]
    for old in versions:
        for new in versions:
            for old_refs, new_refs in ((refs, payload_refs), (payload_refs, refs)):
                assert markup_problems(compare(old, new, old_refs, new_refs)) == []


def test_the_checker_sees_markup_that_gets_through():
    fields = [
        {"rows": [{"html": '<p class="x" onclick="a()">x</p><img src=x><a href=" javascript:1">'}]}
    ]

    assert markup_problems(fields) == [
        '<p class="x">',
        "<p onclick=>",
        "<img>",
        "<img src=>",
        "unsafe href ' javascript:1'",
    ]


# --- stored HTML and the page ----------------------------------------------------------


@pytest.fixture
def two_versions(author):
    article, first = b12_article(author=author)
    lock_and_publish(first, reviewers=make_reviewers(1, tag="wd1"))
    second = revision_draft_for_edit(article=article, actor=author)
    revision_update_draft(
        revision=second,
        summary="Yes, it can contribute; iron deficiency remains the commoner cause [1, 2].",
    )
    lock_and_publish(second, reviewers=make_reviewers(1, tag="wd2"))
    return article, first, second


@pytest.mark.django_db
def test_approved_revisions_are_compared_from_their_stored_html(two_versions):
    article, first, second = two_versions
    for version in (first, second):
        revision_store_rendered(version)
    stored = RenderedRevision.objects.get(revision=second)
    stored.fields = {**stored.fields, "summary_html": "<p>As stored, <em>approved</em>.</p>"}
    stored.save()

    older, newer = approved_revision(article, 1), approved_revision(article, 2)
    summary = field(compare_revisions(older, newer), "Answer summary")

    assert [str(row["html"]) for row in summary["rows"] if row["kind"] == "added"] == [
        '<ins class="diff-block"><p>As stored, <em>approved</em>.</p></ins>'
    ]
    # Loaded without it, a revision is rendered from its Markdown.
    live = field(compare_revisions(first, Revision.objects.get(pk=second.pk)), "Answer summary")
    assert "As stored" not in str(live["rows"])


@pytest.mark.django_db
def test_the_what_changed_page_is_rendered_in_a_fixed_number_of_queries(
    client, two_versions, django_assert_num_queries
):
    """The article; each revision with its stored HTML, then its references; the review
    records. Rendering and comparing add none."""
    article, first, _ = two_versions
    revision_store_rendered(first)  # one stored, one not: the count is the same
    url = f"/articles/{article.slug}/changes/1/2/"
    client.get(url)  # the reader cache's first check

    with django_assert_num_queries(6):
        response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Yes, it can contribute" in html
    assert '<span class="diff-sr">inserted: </span>' in html
    assert "[1, 2]" not in html  # citations as readers see them, not Markdown
