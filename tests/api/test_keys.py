import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey, hash_key
from tests.factories import ChairFactory, ReviewerUserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def bearer(raw):
    return {"authorization": f"Bearer {raw}"}


def test_the_chair_creates_a_key_shown_once_and_stored_as_a_hash(client):
    client.force_login(ChairFactory())
    response = client.post(
        reverse("admin:api_apikey_add"), {"name": "Symptom checker"}, follow=True
    )
    assert response.status_code == 200
    [message] = [str(m) for m in get_messages(response.wsgi_request) if "imp_" in str(m)]
    raw = message.split(" is ")[1].split(" ")[0]
    key = ApiKey.objects.get()
    assert raw.startswith("imp_") and raw not in key.key_hash
    assert key.key_hash == hash_key(raw)
    page = client.get(reverse("admin:api_apikey_change", args=[key.pk])).content.decode()
    assert raw not in page

    assert client.get(LIST, headers=bearer(raw)).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_reviewer_cannot_see_or_create_keys(client):
    client.force_login(ReviewerUserFactory())
    assert client.get(reverse("admin:api_apikey_changelist")).status_code == 403
    assert client.post(reverse("admin:api_apikey_add"), {"name": "x"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_revoked_and_wrong_keys_get_the_same_401(client):
    key, raw = ApiKey.issue(name="Partner", created_by=None)
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

    revoked = client.get(LIST, headers=bearer(raw))
    wrong = client.get(LIST, headers=bearer("imp_nothing_like_a_key"))
    malformed = client.get(LIST, headers={"authorization": "Basic abc"})

    for response in (revoked, wrong, malformed):
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid API key."}
        assert response["WWW-Authenticate"] == "Bearer"


def test_the_chair_revokes_keys_in_the_admin(client):
    key, raw = ApiKey.issue(name="Partner", created_by=None)
    client.force_login(ChairFactory())
    client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert client.get(LIST, headers=bearer(raw)).status_code == 401


def test_anonymous_clients_are_limited_per_address_and_a_key_raises_the_limit(client, settings):
    settings.API_ANONYMOUS_RATE = "3/minute"
    settings.API_KEY_RATE = "6/minute"
    _, raw = ApiKey.issue(name="Partner", created_by=None)

    anonymous = [client.get(LIST).status_code for _ in range(4)]
    keyed = [client.get(LIST, headers=bearer(raw)).status_code for _ in range(7)]
    other_address = client.get(LIST, REMOTE_ADDR="10.0.0.9").status_code

    assert anonymous == [200, 200, 200, 429]
    assert keyed == [200] * 6 + [429]
    assert other_address == 200
