"""The reader's article page is a Jinja2 template (issue 12: it renders in a third of the
time Django's template language took). Its chrome and helpers must give exactly what the
Django templates and tags give everywhere else."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone

from articles.presentation import article_path, board_url, stored_path


def test_the_chrome_is_the_same_as_every_other_pages():
    context = {"site_name": "Imprimatur <Q&A>"}
    django_page = engines["django"].get_template("base.html").render(context)
    jinja_page = engines["jinja2"].get_template("base.html").render(context)
    assert jinja_page == django_page


@pytest.mark.parametrize("format_string", ["Y-m-d", "F j, Y", "c", "D d M Y"])
@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 1, 9),
        datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.UTC),  # Feb 28 west of UTC
        datetime.datetime(2026, 12, 31, 23, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
        datetime.datetime(2026, 6, 15, 12, 0),  # naive
    ],
)
@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Pacific/Kiritimati"])
def test_the_date_filter_gives_what_djangos_templates_give(value, format_string, zone):
    with timezone.override(zone):
        django_page = (
            engines["django"]
            .from_string("{{ value|date:format_string }}")
            .render({"value": value, "format_string": format_string})
        )
        jinja_page = (
            engines["jinja2"]
            .from_string("{{ value|date(format_string) }}")
            .render({"value": value, "format_string": format_string})
        )
    assert jinja_page == django_page
    assert _jinja("{{ value|date('F j, Y') }}", value=None) == django_date(None, "F j, Y") == ""


def test_a_date_is_formatted_in_the_time_zone_of_each_render():
    """Dates are formatted once per time zone (a cache): a render in another zone must not
    get the first zone's text."""
    value = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.UTC)
    shown = {}
    for zone in ("UTC", "America/New_York", "UTC"):
        with timezone.override(zone):
            shown.setdefault(zone, set()).add(_jinja("{{ value|date('F j, Y') }}", value=value))
    assert shown == {"UTC": {"March 1, 2026"}, "America/New_York": {"February 28, 2026"}}


def _jinja(source, **context):
    return engines["jinja2"].from_string(source).render(context)


@pytest.mark.parametrize("slug", ["b12", "a-long-question-slug_2", "x"])
def test_paths_built_once_are_the_paths_reverse_gives(slug):
    assert article_path(slug) == reverse("articles:detail", kwargs={"slug": slug})
    assert board_url() == reverse("reviewers:board")
    assert board_url("dr-ada") == reverse("reviewers:board") + "#dr-ada"
    assert _jinja("{{ url('articles:list') }}") == reverse("articles:list")
    assert _jinja("{{ url('articles:feedback', slug=slug) }}", slug=slug) == reverse(
        "articles:feedback", kwargs={"slug": slug}
    )
    assert _jinja("{{ url('verify_review', slug, 2) }}", slug=slug) == reverse(
        "verify_review", args=[slug, 2]
    )
    changes = {"slug": slug, "old": 3, "new": 12}
    assert stored_path("articles:changes", **changes) == reverse("articles:changes", kwargs=changes)


@pytest.mark.parametrize("prefix", ["/", "/imprimatur/"])
def test_paths_follow_the_script_prefix_of_each_render(prefix):
    """Reversed once per script prefix, and the prefix looked up once per render."""
    try:
        set_script_prefix(prefix)
        assert _jinja("{{ url('verify_review', 'b12', 2) }} {{ url('articles:list') }}") == (
            f"{reverse('verify_review', args=['b12', 2])} {reverse('articles:list')}"
        )
        assert _jinja("{{ static('css/site.css') }}") == static("css/site.css")
        assert article_path("b12") == reverse("articles:detail", kwargs={"slug": "b12"})
        assert reverse("articles:list").startswith(prefix)
    finally:
        set_script_prefix("/")


def test_a_value_that_would_need_quoting_goes_through_reverse():
    """Only slugs and numbers are put in a path as they are; anything else is reversed
    (and refused, as ``reverse`` refuses it, where the pattern does not take it)."""
    with pytest.raises(NoReverseMatch):
        stored_path("articles:detail", slug="ünïcode")
    with pytest.raises(NoReverseMatch):
        stored_path("articles:detail", slug="a/b")
    assert stored_path("articles:detail", slug="plain-slug_1") == "/articles/plain-slug_1/"


@pytest.mark.django_db
def test_the_article_page_is_rendered_by_jinja2(client, approved, article):
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["articles/detail.html"]
    assert (
        engines["jinja2"]
        .get_template("articles/detail.html")
        .template.filename.endswith("articles/jinja2/articles/detail.html")
    )
    assert response.context["revision"].pk == approved.revision_id
