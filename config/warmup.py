"""Pay a web process's one-time costs before it serves its first request. Without this the
first draft save after a start took 3 s and the first article render ~290 ms (issue 12):

* the URL configuration is imported (every view module, with what they import) and each
  namespace's resolver built: the first ``reverse()`` did this, inside the first request;
* the templates of the project's apps are compiled (the pages people open first before
  the others), and the form widgets' templates (Django renders each field with one), and
  the form fields' validators compile their regular expressions;
* Markdown and nh3 are loaded, and textstat's syllable dictionary (cmudict, about 2.5 s)
  is read;
* the database connection is opened and the reader page's statement prepared on it
  (``articles.reader_query``), then the connection is closed again so that nothing opened
  here is shared with a forked process; PostgreSQL's and psycopg's per-process caches
  stay warm.

Each step logs and carries on if it fails: warming up must never stop a process from
starting. Called from ``config.wsgi``: web processes only, not tests or management
commands."""

import contextlib
import logging
import time
from pathlib import Path

from django.template import TemplateDoesNotExist, TemplateSyntaxError

logger = logging.getLogger(__name__)

TEMPLATES = (
    "articles/detail.html",  # a Jinja2 template (articles/jinja2/)
    "articles/list.html",
    "workspace/edit.html",
    "workspace/detail.html",
    "workspace/dashboard.html",
    "workspace/_checklist.html",
)
PROJECT_APPS = ("articles", "workspace", "reviewers", "editorial")
# One name per namespace: reversing it builds that namespace's resolver.
URL_NAMES = (
    ("articles:list", ()),
    ("articles:detail", ("warm-up",)),
    ("author:dashboard", ()),
    ("author:edit", (1,)),
    ("reviewers:board", ()),
    ("editorial_policy", ()),
    ("admin:index", ()),
)


def _urls():
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018 - imports config.urls and every view module
    for name, args in URL_NAMES:
        reverse(name, args=args)


def _templates():
    """The first pages' templates, then every other template of the project's own apps
    and of templates/ (their includes and the pages behind the first ones), each by the
    engine that renders it: Django's for templates/ folders, Jinja2 for the article page's
    jinja2/ folders."""
    from django.apps import apps
    from django.template import engines

    project = [Path(c.path) for c in apps.get_app_configs() if c.name in PROJECT_APPS]
    for engine in engines.all():
        subfolder = "jinja2" if engine.name == "jinja2" else "templates"
        folders = [Path(folder) for folder in engine.dirs] + [app / subfolder for app in project]
        names = list(TEMPLATES)
        for folder in folders:
            names += sorted(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
        for name in dict.fromkeys(names):
            try:
                engine.get_template(name)
            except TemplateDoesNotExist:
                pass  # the other engine's
            except TemplateSyntaxError:
                logger.warning("Template %s does not compile.", name, exc_info=True)


def _forms():
    """Render the author's editor forms once, unbound (this compiles the form renderer's
    field and widget templates), and run each field's validators once."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import ValidationError

    from workspace.forms import ArticleForm, SubmitForm, reference_formset

    forms = (ArticleForm(user=AnonymousUser()), reference_formset().forms[0], SubmitForm())
    for form in forms:
        str(form)
        # Validators compile their regular expressions on first use (URL, DOI…).
        for field in form.fields.values():
            for value in ("https://example.org/10.1000/warm-up", "10.1000/warm-up"):
                with contextlib.suppress(ValidationError):
                    field.clean(value)


def _text():
    from articles.rendering import render_markdown
    from workspace.checks import readability_grade

    render_markdown("Warm **up** [1].\n\n| a | b |\n|---|---|\n| 1 | 2 |", reference_count=1)
    readability_grade("A short sentence loads the syllable dictionary once.")


def _database():
    from django.db import connection

    from articles import reader_query, selectors

    try:
        reader_query.page_rows("warm-up")  # connects, prepares the reader page's query
        selectors.reader_article("warm-up")
    finally:
        connection.close()


def warm_up():
    started = time.monotonic()
    for step in (_urls, _templates, _forms, _text, _database):
        try:
            step()
        except Exception:  # noqa: BLE001 - a cold process is slow, not broken
            logger.warning("Warm-up step %s failed.", step.__name__, exc_info=True)
    logger.info("Warmed up in %.2f s.", time.monotonic() - started)
