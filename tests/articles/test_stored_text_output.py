"""Finding 4 of issue 13: one control character in an approved question made the Atom feed
500 for everyone. Text stored before validation must not break the feed, the sitemap or
the JSON-LD: they drop what XML cannot carry."""

import json
import re
from xml.etree import ElementTree

import pytest

from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory, TopicFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "Is B12\x01 safe\x00\x0b?\nReally\u202e?"


@pytest.fixture
def hostile_article():
    article = ArticleFactory(slug="hostile", topic=TopicFactory(name="Sleep\x07", slug="sleep"))
    revision = RevisionFactory(
        article=article, number=1, title=HOSTILE.replace("\x00", ""), summary="Yes\x02 [1]."
    )
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="hostile"))
    return article


def test_the_feed_survives_control_characters_in_stored_text(client, hostile_article):
    response = client.get("/feeds/articles/")
    assert response.status_code == 200
    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Is B12 safe?\nReally\u202e?"
    assert entry.find(f"{ATOM}category").get("term") == "Sleep"


def test_the_sitemap_and_the_json_ld_survive_it_too(client, hostile_article):
    assert client.get("/sitemap.xml").status_code == 200
    response = client.get("/articles/hostile/")
    assert response.status_code == 200
    script = re.search(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', response.content.decode(), re.S
    )
    data = json.loads(script.group(1))
    assert "B12" in json.dumps(data)
