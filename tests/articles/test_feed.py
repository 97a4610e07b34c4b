"""The Atom feed lists approved articles, newest review first."""

import datetime
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_of_approved_articles(client, draft):
    reviewers = make_reviewers(1, tag="feed")
    for title, days in (("Older answer?", 10), ("Newer answer?", 1)):
        slug = title.lower().replace(" ", "-").strip("?")
        revision = RevisionFactory(article=ArticleFactory(slug=slug), number=1, title=title)
        lock_and_publish(
            revision,
            reviewers=reviewers,
            approved_at=timezone.now() - datetime.timedelta(days=days),
        )
    response = client.get("/feeds/articles/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        "Newer answer?",
        "Older answer?",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == "http://testserver/articles/newer-answer/"
    assert entries[0].find(f"{ATOM}updated").text
    assert entries[0].find(f"{ATOM}summary").text == "Yes, in most cases."
    assert draft.title not in response.content.decode()
