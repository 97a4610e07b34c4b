"""Two-factor authentication for staff (issue 13): with STAFF_TWO_FACTOR_REQUIRED (on in
production) a reviewer, the chair or a superuser enrols an authenticator app on the first
admin sign-in, keeps ten recovery codes, and gives a code at every later sign-in. Codes are
made with pyotp, as an authenticator app makes them."""

import re
import secrets
import subprocess
import sys
import time

import pyotp
import pytest
from django.test import Client

from tests.factories import ChairFactory, ReviewerUserFactory, UserFactory
from tests.realservices import ROOT

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


def sign_in(client, user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client.get("/admin/")


def enrol(client, user):
    response = sign_in(client, user)
    assert response["Location"].startswith("/admin/two-factor/enrol/")
    page = client.get(response["Location"])
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page.content.decode()).group(1)
    confirmed = client.post(
        "/admin/two-factor/enrol/", {"code": pyotp.TOTP(secret).now(), "next": "/admin/"}
    )
    codes = re.findall(r"<li><code>(\w+)</code></li>", confirmed.content.decode())
    return secret, codes


@pytest.mark.parametrize(
    "factory",
    [
        ChairFactory,
        ReviewerUserFactory,
        lambda **kw: UserFactory(is_superuser=True, is_staff=True, **kw),
    ],
)
def test_staff_enrol_on_first_sign_in_and_then_reach_the_admin(client, factory):
    user = factory(username="staffer")
    if user.is_superuser:
        user.is_staff = True
        user.save()
    secret, codes = enrol(client, user)
    assert len(codes) == 10
    assert client.get("/admin/").status_code in (200, 302)
    assert not client.get("/admin/").get("Location", "").startswith("/admin/two-factor/")


def test_a_wrong_code_does_not_enrol(client):
    user = ChairFactory(username="chair")
    sign_in(client, user)
    response = client.post("/admin/two-factor/enrol/", {"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/enrol/")


def test_later_sign_ins_need_a_code_or_a_recovery_code_once(client):
    user = ChairFactory(username="chair")
    secret, codes = enrol(client, user)
    # The enrolment used this window's code, and a code counts once: the next window's
    # (within the one step of drift the server allows).
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    for code, accepted in ((next_code, True), (codes[0], True), (codes[0], False)):
        fresh = Client()
        response = sign_in(fresh, user)
        assert response["Location"].startswith("/admin/two-factor/?next=")
        verified = fresh.post("/admin/two-factor/", {"code": code, "next": "/admin/"})
        if accepted:
            assert verified["Location"] == "/admin/"
            assert fresh.get("/admin/").status_code == 200
        else:
            assert verified.status_code == 400
            assert fresh.get("/admin/")["Location"].startswith("/admin/two-factor/")


def test_authors_are_not_asked(client, author):
    client.post("/accounts/login/", {"username": "author", "password": PASSWORD})
    assert client.get("/author/").status_code == 200


def test_production_requires_it(key_file):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.STAFF_TWO_FACTOR_REQUIRED)",
        ],
        cwd=ROOT,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SIGNING_KEY_FILE": key_file,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines()[-1] == "True", result.stderr
