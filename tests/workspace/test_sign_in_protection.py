"""Finding 6 of issue 13: sign-in and password reset were not throttled (30 wrong passwords
then the right one: accepted; 10 reset requests: 10 emails). Now django-axes locks out an
account, or an address, after AXES_FAILURE_LIMIT failures until the cool-off has passed, on
the author sign-in and the admin's alike; lockouts are recorded where the chair reads them;
password-reset requests are limited per address and per account."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import AuthorFactory, ChairFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"
SIGN_IN = {"author": "/accounts/login/", "admin": "/admin/login/"}


@pytest.fixture
def writer():
    return AuthorFactory(username="writer", email="writer@example.org")


def sign_in(client, where, password, *, username="writer", ip="10.1.0.1"):
    return client.post(SIGN_IN[where], {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("where", ["author", "admin"])
def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(client, writer, where):
    if where == "admin":
        writer.is_staff = True
        writer.save()
    for attempt in range(10):
        sign_in(client, where, f"wrong-{attempt}", ip=f"10.2.0.{attempt}")  # many addresses
    response = sign_in(client, where, PASSWORD, ip="10.2.1.1")
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="writer").exists()


def test_the_lockout_lifts_after_the_cool_off(client, writer, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "author", f"wrong-{attempt}")
    assert sign_in(client, "author", PASSWORD).status_code == 429
    # The cool-off has passed.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = sign_in(client, "author", PASSWORD)
    assert response["Location"] == reverse("author:dashboard")


def test_one_address_trying_many_accounts_is_locked_out(client, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        AuthorFactory(username=f"victim{number}")
        sign_in(client, "author", "guess", username=f"victim{number}", ip="10.3.0.1")
    AuthorFactory(username="another")
    assert sign_in(client, "author", PASSWORD, username="another", ip="10.3.0.1").status_code == 429
    # Another address may still sign in to that account.
    assert sign_in(client, "author", PASSWORD, username="another", ip="10.3.0.2").status_code == 302


def test_the_chair_reads_the_lockouts_in_the_admin(client, writer, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "author", f"wrong-{attempt}")
    chair = ChairFactory(username="chair")
    client.force_login(chair)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert "writer" in response.content.decode()
    assert client.get("/admin/axes/accessfailurelog/").status_code == 200


def test_password_reset_is_limited_per_account(client, writer, settings):
    for number in range(settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT):
        response = client.post(
            reverse("password_reset"),
            {"email": "writer@example.org"},
            REMOTE_ADDR=f"10.4.0.{number}",
        )
        assert response.status_code == 302
    response = client.post(
        reverse("password_reset"), {"email": "WRITER@example.org"}, REMOTE_ADDR="10.4.1.1"
    )
    assert response.status_code == 429
    assert "Too many password-reset requests" in response.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT


def test_password_reset_is_limited_per_address(client, settings):
    limit = settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    for number in range(limit):
        AuthorFactory(username=f"reset{number}")
        response = client.post(
            reverse("password_reset"),
            {"email": f"reset{number}@example.org"},
            REMOTE_ADDR="10.5.0.1",
        )
        assert response.status_code == 302
    AuthorFactory(username="resetlast")
    response = client.post(
        reverse("password_reset"), {"email": "resetlast@example.org"}, REMOTE_ADDR="10.5.0.1"
    )
    assert response.status_code == 429
    assert len(mail.outbox) == limit
