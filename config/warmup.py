"""Pay a web process's one-time costs before it serves its first request: the templates
of the pages people open first are compiled, Markdown and nh3 are loaded, and textstat's
syllable dictionary (cmudict, about 2.5 s) is read. Without this the first draft save
after a start took 3 s and the first article render ~290 ms (issue 12). Called from
``config.wsgi``: web processes only, not tests or management commands."""

import logging
import time

from django.template.loader import get_template

from articles.rendering import render_markdown
from workspace.checks import readability_grade

logger = logging.getLogger(__name__)

TEMPLATES = (
    "articles/detail.html",
    "articles/list.html",
    "workspace/edit.html",
    "workspace/dashboard.html",
    "workspace/_checklist.html",
)


def warm_up():
    started = time.monotonic()
    for name in TEMPLATES:
        get_template(name)
    render_markdown("Warm **up** [1].\n\n| a | b |\n|---|---|\n| 1 | 2 |", reference_count=1)
    readability_grade("A short sentence loads the syllable dictionary once.")
    logger.info("Warmed up in %.2f s.", time.monotonic() - started)
