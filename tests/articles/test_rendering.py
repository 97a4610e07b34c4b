"""Rendering article content: ``[n]`` citations become links to the reference list, and
nothing an author types reaches the reader's page as markup (DESIGN: Markdown + nh3).

The page-level checks parse what the server actually sent with the standard library's
HTML parser and compare it with the same page built from harmless content, so a template
that later adds its own tags does not break them, while any tag, attribute or URL that a
payload smuggles in does."""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from articles.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from editorial import services
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory


class Page(HTMLParser):
    """Every start tag (with its attributes), comment and text run of an HTML document."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.comments = []
        self.texts = []
        self._open = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.texts.append((tuple(self._open), data))

    def text_inside(self, tag):
        return "".join(data for open_tags, data in self.texts if tag in open_tags)

    def attributes(self):
        return [(tag, name, value) for tag, attrs in self.tags for name, value in attrs]


URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data",
    "background", "ping", "cite", "longdesc", "manifest", "codebase", "content",
}  # fmt: skip


def is_safe_url(value):
    """Read the scheme the way a browser does (WHATWG URL): leading and trailing control
    characters and spaces are dropped and tabs and newlines removed anywhere, so
    ``" java\tscript:"`` is ``javascript:``; a space inside makes it a relative URL."""
    compact = re.sub(r"[\t\n\r]", "", (value or "").strip("".join(map(chr, range(0x21)))))
    scheme = re.match(r"^([a-z][a-z0-9+.\-]*):", compact, flags=re.IGNORECASE)
    return scheme is None or scheme.group(1).lower() in {"http", "https", "mailto"}


# --- citations --------------------------------------------------------------------------


def citation_links(html):
    return [
        (attrs.get("href"), attrs.get("id"))
        for attrs in (dict(attrs) for tag, attrs in Page(html).tags if tag == "a")
        if attrs.get("class") == "citation"
    ]


@pytest.mark.parametrize(
    ("marker", "numbers"),
    [
        ("[1]", [1]),
        ("[1, 2]", [1, 2]),
        ("[1,2]", [1, 2]),
        ("[1-3]", [1, 2, 3]),
        ("[1–3]", [1, 2, 3]),
        ("[1 - 3]", [1, 2, 3]),
        ("[2, 4-6]", [2, 4, 5, 6]),
    ],
)
def test_citation_markers_become_links_to_the_references(marker, numbers):
    html = render_markdown(f"Coffee raises blood pressure {marker}.", reference_count=6)

    assert [href for href, _ in citation_links(html)] == [f"#ref-{n}" for n in numbers]
    assert marker not in html
    page = Page(html)
    assert page.text_inside("sup") == ", ".join(str(n) for n in numbers)
    assert ("sup", [("class", "citations")]) in page.tags


def test_the_first_citation_of_each_number_is_the_back_link_target():
    html = render_markdown("First [1]. Again [1, 2]. And [2-3]. Last [3].", reference_count=3)

    assert citation_links(html) == [
        ("#ref-1", "cite-1"),
        ("#ref-1", None),
        ("#ref-2", "cite-2"),
        ("#ref-2", None),
        ("#ref-3", "cite-3"),
        ("#ref-3", None),
    ]


def test_the_back_link_targets_can_be_prefixed():
    html = render_markdown("See [1].", reference_count=1, id_prefix="patient-cite")

    assert citation_links(html) == [("#ref-1", "patient-cite-1")]


@pytest.mark.parametrize(
    "marker",
    ["[4]", "[0]", "[3, 4]", "[2-4]", "[1, 9999]"],
    ids=["beyond", "zero", "list-partly-beyond", "range-partly-beyond", "huge-number"],
)
def test_numbers_outside_the_reference_list_stay_text(marker):
    html = render_markdown(f"Claim {marker}.", reference_count=3)

    assert citation_links(html) == []
    assert Page(html).text_inside("p") == f"Claim {marker}."


@pytest.mark.parametrize(
    "marker",
    ["[3-1]", "[1-51]", "[1-9999]", "[1-2-3]"],
    ids=["reversed", "longer-than-fifty", "huge", "double-range"],
)
def test_malformed_ranges_stay_text(marker):
    html = render_markdown(f"Claim {marker}.", reference_count=9999)

    assert citation_links(html) == []
    assert Page(html).text_inside("p") == f"Claim {marker}."


def test_a_range_of_fifty_is_still_linked():
    html = render_markdown("Many [1-50].", reference_count=50)

    assert len(citation_links(html)) == 50


def test_without_references_nothing_is_linked():
    assert citation_links(render_markdown("Claim [1].", reference_count=0)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Write `[1]` to cite.",
        "Example:\n\n    cite like this [1]\n",
        '<a href="https://example.org">see [1]</a>',
        "<pre>[1]</pre>",
    ],
    ids=["inline-code", "code-block", "inside-a-link", "pre"],
)
def test_citations_inside_code_and_links_are_not_linked(text):
    html = render_markdown(text, reference_count=3)

    assert citation_links(html) == []
    assert "[1]" in "".join(data for _, data in Page(html).texts)


def test_citations_around_code_are_still_linked():
    html = render_markdown("Before [1], `code [2]`, after [3].", reference_count=3)

    assert [href for href, _ in citation_links(html)] == ["#ref-1", "#ref-3"]


# --- sanitizing -------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#10;script:alert(1)">x</a>',
    '<a href="&#x01;javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    "[x](java&#x09;script:alert(1))",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="javascript:alert(1)"',
    '<a href="#" title="x" onclick="alert(1)">x</a>',
    "[x](javascript:alert(1))",
    '[x](JAVASCRIPT:alert(1) "t")',
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<video><source onerror=alert(1)></video>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<abbr title="x" onmouseover=alert(1)>x</abbr>',
    # The citation step runs after sanitizing: markup in an attribute must stay inert.
    '<abbr title="a>[1]<img src=x onerror=alert(1)>">z</abbr>',
    '<a href="https://example.org" title="[1]" onclick=alert(1)>[2]</a>',
    "<x onclick=alert(1)>custom</x>",
]


def payload_ids():
    return [f"payload-{index:02d}" for index in range(len(XSS_PAYLOADS))]


def test_the_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 25
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


CITATION_ATTRIBUTES = {"a": {"id", "class", "aria-label"}, "sup": {"class"}}


@pytest.mark.parametrize("wrap", ["{}", "Intro [1].\n\n{} [2]\n\nEnd [3]."], ids=["alone", "cited"])
@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=payload_ids())
def test_render_markdown_emits_only_allowed_markup(payload, wrap):
    html = render_markdown(wrap.format(payload), reference_count=3)

    assert "<script" not in html.lower()
    page = Page(html)
    assert page.comments == []
    for tag, attrs in page.tags:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | CITATION_ATTRIBUTES.get(tag, set())
            assert name in allowed | ({"rel"} if tag == "a" else set()), (tag, name)
            if name == "href":
                assert is_safe_url(value), value
        if tag == "a" and dict(attrs).get("class") == "citation":
            assert re.fullmatch(r"#ref-[1-3]", dict(attrs)["href"])


# --- the reader's page ------------------------------------------------------------------


def publish(author, chair, *, text, reference_text=None):
    """An approved article whose every author-written field holds ``text`` (reference
    fields hold ``reference_text``, cut to each column's length). Submission refuses a
    malformed DOI or PMID today; a revision submitted before it did can hold one, and its
    page must still escape it, so the payloads are submitted as such a revision was."""
    from editorial.services import submissions

    reference_text = text if reference_text is None else reference_text
    checked = submissions._check_references
    submissions._check_references = lambda revision: None
    try:
        return _publish(author, chair, text=text, reference_text=reference_text)
    finally:
        submissions._check_references = checked


def _publish(author, chair, *, text, reference_text):
    article = ArticleFactory(authors=[author])
    revision = RevisionFactory(
        article=article,
        number=1,
        title=text[:300],
        summary=text,
        body=f"Intro [1].\n\n{text}\n\nMore [2].",
        patient_body=f"{text} [1]",
        patient_summary=text[:1200],
        patient_safety_note=text[:3000],
    )
    ReferenceFactory(
        revision=revision,
        position=1,
        kind=reference_text[:20],
        title=reference_text[:500],
        source=reference_text[:300],
        doi=reference_text[:200],
        pmid=reference_text[:8],
        url=reference_text[:500],
    )
    ReferenceFactory(revision=revision, position=2, title=text[:500], source=text[:300])
    submission = services.submission_submit(article=article, revision=revision, actor=author)
    submission = services.submission_start_review(submission=submission, actor=chair)
    services.submission_approve(submission=submission, actor=chair)
    return article


@pytest.fixture
def baseline_page(client, author, chair):
    """The page of an article with harmless content in every field."""
    article = publish(
        author,
        chair,
        text="Plain words about blood pressure.",
        reference_text="10.1000/plain",
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def reader_page_problems(html, baseline_html):
    """What a payload page emits that the harmless page does not, as readable lines."""
    page, baseline = Page(html), Page(baseline_html)
    problems = []
    if html.lower().count("<script") != baseline_html.lower().count("<script"):
        problems.append("a <script tag appeared")
    template_tags = Counter(tag for tag, _ in page.tags if tag not in ALLOWED_TAGS)
    baseline_tags = Counter(tag for tag, _ in baseline.tags if tag not in ALLOWED_TAGS)
    if template_tags != baseline_tags:
        problems.append(f"tags differ from the template's: {template_tags - baseline_tags}")
    known_attributes = {name for _, name, _ in baseline.attributes()} | {
        name for names in ALLOWED_ATTRIBUTES.values() for name in names
    }
    known_attributes |= {"rel"} | CITATION_ATTRIBUTES["a"]
    for tag, name, value in page.attributes():
        if name not in known_attributes or name.startswith("on"):
            problems.append(f"attribute {name}= on <{tag}>")
        if name in URL_ATTRIBUTES and not is_safe_url(value):
            problems.append(f"unsafe URL {value!r} in <{tag} {name}>")
    if len(page.comments) != len(baseline.comments):
        problems.append(f"comments appeared: {page.comments}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=payload_ids())
def test_no_payload_reaches_the_reader_page_as_markup(
    payload, client, author, chair, baseline_page
):
    article = publish(author, chair, text=payload)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert reader_page_problems(html, baseline_page) == []
    # Shown as the text it is, not dropped: the question is the page's heading.
    assert Page(html).text_inside("h1") == payload[:300]


@pytest.mark.django_db
def test_the_checker_catches_markup_that_gets_through(baseline_page):
    """The page checks above would see an injection, were one to happen."""
    injected = baseline_page.replace(
        "</main>",
        '<img src=x onerror=alert(1)><a href=" javascript:alert(1)">x</a><script>1</script></main>',
    )

    problems = reader_page_problems(injected, baseline_page)

    assert "a <script tag appeared" in problems
    assert "attribute onerror= on <img>" in problems
    assert "unsafe URL ' javascript:alert(1)' in <a href>" in problems
    assert any(problem.startswith("tags differ") for problem in problems)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("#ref-1", True),
        ("/static/css/site.css", True),
        ("https://doi.org/10.1000/x", True),
        ("mailto:editor@example.org", True),
        ("java   script:alert(1)", True),  # a space makes it a relative path
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscr\nipt:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
    ],
)
def test_the_url_check_reads_schemes_like_a_browser(url, safe):
    assert is_safe_url(url) is safe
