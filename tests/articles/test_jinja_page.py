"""The reader's article page is a Jinja2 template (issue 12: it renders in a third of the
time Django's template language took). Its chrome and helpers must give exactly what the
Django templates and tags give everywhere else."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.urls import reverse
from django.utils import timezone

from articles import jinja2_env
from articles.presentation import article_path, board_url


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
    assert jinja2_env.date(None, "F j, Y") == django_date(None, "F j, Y") == ""


@pytest.mark.parametrize("slug", ["b12", "a-long-question-slug_2", "x"])
def test_paths_built_once_are_the_paths_reverse_gives(slug):
    assert article_path(slug) == reverse("articles:detail", kwargs={"slug": slug})
    assert board_url() == reverse("reviewers:board")
    assert board_url("dr-ada") == reverse("reviewers:board") + "#dr-ada"
    assert jinja2_env.url("articles:list") == reverse("articles:list")
    assert jinja2_env.url("articles:feedback", slug=slug) == reverse(
        "articles:feedback", kwargs={"slug": slug}
    )
    assert jinja2_env.url("verify_review", slug, 2) == reverse("verify_review", args=[slug, 2])


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
