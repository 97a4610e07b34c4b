"""Every page's icon exists: browsers ask for /favicon.ico whatever the page links."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_favicon_browsers_ask_for_exists(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
