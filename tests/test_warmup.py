"""``config.warmup.warm_up`` pays a web process's one-time costs before its first request
and never fails: every step runs without a warning, the URL resolvers and templates are
built, and no database connection is left open for a forked process to share."""

import logging

import pytest
from django.db import connection
from django.template import engines
from django.urls import clear_url_caches, get_resolver

from config import warmup

pytestmark = pytest.mark.django_db(transaction=True)


def test_warm_up_runs_every_step_without_a_warning(caplog):
    clear_url_caches()
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        warmup.warm_up()
    assert [r.getMessage() for r in caplog.records] == []
    resolver = get_resolver()
    assert resolver._populated  # the first reverse() no longer builds it
    assert "author" in resolver.namespace_dict
    assert connection.connection is None  # closed: nothing shared across a fork


def test_warm_up_compiles_the_project_templates():
    warmup.warm_up()
    loader = engines["django"].engine.template_loaders[0]
    cached = set(loader.get_template_cache) if hasattr(loader, "get_template_cache") else None
    if cached is not None:  # the cached loader (DEBUG off)
        assert "base.html" in cached
        assert "workspace/edit.html" in cached
    # The article page is Jinja2's, compiled into its environment's cache.
    jinja = engines["jinja2"].env
    assert {"articles/detail.html", "base.html"} <= {name for _, name in jinja.cache}


def test_a_failing_step_is_logged_and_the_others_still_run(monkeypatch, caplog):
    ran = []

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(warmup, "_templates", broken)
    monkeypatch.setattr(warmup, "_text", lambda: ran.append("text"))
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        warmup.warm_up()
    assert ran == ["text"]
    assert any("broken" in record.getMessage() for record in caplog.records)
