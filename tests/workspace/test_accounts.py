"""Signing in and out, and resetting a forgotten password by email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"


@pytest.fixture
def writer():
    return AuthorFactory(username="writer", email="writer@example.org", first_name="Wren")


def test_the_sign_in_page_shows_the_site_name_and_a_reset_link(client, settings):
    page = client.get(reverse("login")).content.decode()
    assert f"<title>Sign in · {settings.SITE_NAME}</title>" in page
    # Django's auth views put the request's host in ``site_name``; the page shows ours.
    assert "testserver" not in page
    assert page.count(settings.SITE_NAME) >= 2
    assert reverse("password_reset") in page


def test_signing_in_lands_on_my_articles_or_next(client, writer):
    response = client.post(reverse("login"), {"username": "writer", "password": PASSWORD})
    assert response["Location"] == reverse("author:dashboard")
    client.logout()
    target = reverse("author:new")
    response = client.post(
        reverse("login"), {"username": "writer", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_signing_in_does_not_follow_next_off_site(client, writer):
    response = client.post(
        reverse("login"),
        {"username": "writer", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("author:dashboard")


def test_a_wrong_password_is_a_clear_error(client, writer):
    response = client.post(reverse("login"), {"username": "writer", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


def test_signing_out_is_a_post(client, writer):
    client.force_login(writer)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert "You have signed out" in response.content.decode()
    assert client.get(reverse("author:dashboard")).status_code == 302


def test_password_reset_by_email_in_text_and_html(client, writer, settings):
    response = client.post(reverse("password_reset"), {"email": "WRITER@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == ["writer@example.org"]
    assert message.subject == f"Reset your {settings.SITE_NAME} password"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    assert f'href="http://testserver{link}"' in html
    assert "Hello Wren" in message.body and "Your username is: writer" in message.body

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "a-new-long-secret-9", "new_password2": "a-new-long-secret-9"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    signed_in = client.post(
        reverse("login"), {"username": "writer", "password": "a-new-long-secret-9"}
    )
    assert signed_in["Location"] == reverse("author:dashboard")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_a_used_reset_link_says_so(client):
    page = client.get("/accounts/reset/MQ/bad-token/").content.decode()
    assert "This link no longer works" in page


def test_changing_the_password_needs_sign_in_on_our_page(client, writer):
    response = client.get(reverse("password_change"))
    assert response["Location"].startswith(reverse("login"))
    client.force_login(writer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-secret-7",
            "new_password2": "another-long-secret-7",
        },
        follow=True,
    )
    assert "Your password is changed" in response.content.decode()


def test_the_admin_keeps_its_own_sign_out_page(admin_client):
    response = admin_client.post(reverse("admin:logout"))
    names = [template.name for template in response.templates]
    assert "registration/logged_out.html" in names and "admin/base_site.html" in names
    assert "registration/signed_out.html" not in names


def test_an_author_at_the_boards_sign_in_is_told_where_authors_sign_in(client, author):
    author.set_password("right-password")
    author.save()

    response = client.post(
        reverse("admin:login"), {"username": "author", "password": "right-password"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Authors sign in to their workspace at /accounts/login/." in page
    assert "correct username and password for a staff account" not in page
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_at_the_boards_sign_in_still_says_nothing_more(client, author):
    response = client.post(reverse("admin:login"), {"username": "author", "password": "wrong"})

    page = response.content.decode()
    assert "correct username and password for a staff account" in page
    assert "Authors sign in" not in page, "who is an author is not told to a guesser"
