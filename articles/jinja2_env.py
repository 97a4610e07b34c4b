"""The Jinja2 environment of the reader's article page (``articles/jinja2/``).

The article page is the site's hot path: an uncached render in Django's template language
spent most of its time resolving variables, escaping through lazy wrappers and reversing
URLs (issue 12). Jinja2 compiles a template to Python once per process. Every other page
stays in Django's templates; the page's chrome is ``articles/jinja2/base.html``, kept equal
to ``templates/base.html`` by tests/articles/test_jinja_page.py.

What the page's template may call, chosen to give exactly what Django's tags and filters
give: ``url`` (``{% url %}``; URLs without arguments reversed once per script prefix),
``static`` (``{% static %}``), ``date`` (Django's ``date`` filter, after converting to the
current time zone with Django's ``template_localtime``; the page's three formats without
Django's general formatter) and ``django_include`` (a Django template shared with a staff page, such
as the override statement, rendered by Django). The chair's board view's cards
(editorial/jinja2/) use the same environment, and Django's ``pluralize``."""

from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.timezone import template_localtime
from jinja2 import Environment
from markupsafe import Markup

from articles.presentation import constant_path


def url(name, *args, **kwargs):
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return constant_path(name)


def date(value, format_string):
    """Django's ``date`` filter as Django's templates apply it (aware datetimes in the
    current time zone first). ``""`` for ``None``, as Django gives."""
    if value in (None, ""):
        return ""
    value = template_localtime(value)
    if format_string == "Y-m-d":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if format_string == "F j, Y":
        return f"{MONTHS[value.month]} {value.day}, {value.year}"
    if format_string == "c":
        return value.isoformat()
    return django_date(value, format_string)


def django_include(template_name, **context):
    return Markup(render_to_string(template_name, context))


def environment(**options):
    env = Environment(**options)
    env.globals.update(url=url, static=static, django_include=django_include)
    env.filters["date"] = date
    env.filters["pluralize"] = pluralize  # Django's, for the board view's cards (editorial/)
    return env
