import pytest

from editorial.models import EditorialPolicy
from tests.api.support import published

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def test_a_matching_etag_is_a_304_without_a_query(client, django_assert_num_queries):
    published("first")
    response = client.get(LIST)
    etag, modified = response["ETag"], response["Last-Modified"]

    with django_assert_num_queries(0):
        again = client.get(LIST, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(LIST, headers={"if-modified-since": modified}).status_code == 304


def test_any_public_change_ends_the_304s_as_it_ends_the_cached_pages(client):
    published("first")
    detail = "/api/v1/articles/first/"
    etags = {url: client.get(url)["ETag"] for url in (LIST, detail)}
    assert etags[LIST] != etags[detail]

    published("second")  # saving an article starts a new generation of public pages

    for url, etag in etags.items():
        response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag
    assert "second" in [row["slug"] for row in client.get(LIST).json()["results"]]


def test_a_policy_change_ends_the_304s_too(client):
    etag = client.get("/api/v1/policy/")["ETag"]
    policy = EditorialPolicy.load()
    policy.quorum = 3
    policy.save()
    response = client.get("/api/v1/policy/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response.json()["quorum"] == 3


def test_errors_carry_no_validators(client):
    response = client.get(LIST, {"nope": "1"})
    assert response.status_code == 400
    assert "ETag" not in response
