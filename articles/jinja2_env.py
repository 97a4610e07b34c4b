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

import functools

from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix
from django.utils.dates import MONTHS
from django.utils.timezone import get_current_timezone, template_localtime
from django.utils.translation import get_language
from jinja2 import Environment, pass_context
from markupsafe import Markup

from articles.presentation import constant_path_in, stored_path_in

_CONSTANTS = "_render_constants"  # a private key in each render's context dict


def _constants(context):
    """What cannot change during one render (one thread, one request): the current time
    zone, language and script prefix. Each lookup goes through asgiref's ``Local``, and a
    page formats about 16 dates and 14 addresses, so they are looked up once a render."""
    constants = context.parent.get(_CONSTANTS)
    if constants is None:
        constants = (get_current_timezone(), get_language(), get_script_prefix())
        context.parent[_CONSTANTS] = constants
    return constants


@pass_context
def url(context, name, *args, **kwargs):
    script_prefix = _constants(context)[2]
    if args or kwargs:
        return stored_path_in(script_prefix, name, args, kwargs)
    return constant_path_in(script_prefix, name)


@pass_context
def date(context, value, format_string):
    """Django's ``date`` filter as Django's templates apply it (aware datetimes in the
    current time zone first). ``""`` for ``None``, as Django gives. A page shows the same
    few dates several times: each is formatted once per time zone and language."""
    if value in (None, ""):
        return ""
    zone, language, _ = _constants(context)
    return _date(value, format_string, zone, language)


@functools.lru_cache(maxsize=4096)
def _date(value, format_string, zone, language):
    # Called in the time zone ``zone``: template_localtime converts to the current one.
    value = template_localtime(value)
    if format_string == "Y-m-d":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if format_string == "F j, Y":
        return f"{MONTHS[value.month]} {value.day}, {value.year}"
    if format_string == "c":
        return value.isoformat()
    return django_date(value, format_string)


@functools.cache
def _static(path, script_prefix):
    return django_static(path)


@pass_context
def static(context, path):
    """``{% static %}``: a file's address does not change while the process runs."""
    return _static(path, _constants(context)[2])


def django_include(template_name, **context):
    return Markup(render_to_string(template_name, context))


def environment(**options):
    env = Environment(**options)
    env.globals.update(url=url, static=static, django_include=django_include)
    env.filters["date"] = date
    env.filters["pluralize"] = pluralize  # Django's, for the board view's cards (editorial/)
    return env
