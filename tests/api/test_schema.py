"""The OpenAPI document is valid, and every endpoint in it answers as it describes."""

import re

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from tests.api.support import pending, published, set_publish_pending

pytestmark = pytest.mark.django_db


def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_a_valid_openapi_3_document(client):
    validate(schema(client))


def test_every_endpoint_answers_as_the_schema_describes(client):
    article = published("described")
    pending("pending-one")
    set_publish_pending(True)
    spec = schema(client)
    paths = [path for path in spec["paths"] if path.startswith("/api/v1/")]
    assert set(paths) == {
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/topics/",
        "/api/v1/board/",
        "/api/v1/policy/",
    }
    for path in paths:
        url = re.sub(r"\{slug\}", article.slug, path)
        response = client.get(url)
        assert response.status_code == 200, url
        described = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        OAS30Validator({**described["schema"], "components": spec["components"]}).validate(
            response.json()
        )
        documented = spec["paths"][path]["get"]["responses"]
        refused = client.get(url, {"no_such_filter": "1"})
        assert refused.status_code == 400 and "400" in documented, url
        again = client.get(url, headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304 and "304" in documented, url
    assert "404" in spec["paths"]["/api/v1/articles/{slug}/"]["get"]["responses"]


def test_the_docs_page_is_served_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert scripts, html
    for url in scripts:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
