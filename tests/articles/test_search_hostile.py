"""Finding 7 of issue 13: hostile search input is a page of results (maybe none), never a
500 — NUL bytes, control characters, and runs of dashes that overflowed PostgreSQL's
web-search parser ("tsquery stack too small")."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.text import search_query
from tests.articles.test_reader_list import publish, titles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "a\x00b"},
        {"topic": "\x00"},
        {"q": "-" * 33},
        {"q": "-" * 1000 + "iron"},
        {"q": "-!" * 40 + "iron"},
        {"q": "- " * 40 + "iron"},
        {"q": "iron\r\nlegs\x01"},
    ],
)
def test_hostile_search_is_a_page_not_a_500(client, params):
    publish("Does iron help restless legs?")
    response = client.get("/", params)
    assert response.status_code == 200


def test_search_still_finds_words_around_junk(client):
    publish("Does iron help restless legs?")
    publish("Is coffee bad for sleep?")
    assert titles(client.get("/", {"q": "iron\x00"})) == ["Does iron help restless legs?"]
    assert titles(client.get("/", {"q": "-coffee"})) == ["Does iron help restless legs?"]
    assert titles(client.get("/", {"topic": "\x00"})) == []


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet='-!"() orOR\x00ab&|<>:*', max_size=200))
def test_any_mix_of_operators_parses(django_db_blocker, value):
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)", [search_query(value)])
