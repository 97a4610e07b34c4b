"""Authors are confined to their own work: every author URL answers 404 for another
author's article, sign-in is required, state changes are POST-only under CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Revision
from editorial.models import AuditEntry, Submission, SubmissionState
from tests.factories import AuthorFactory, ReviewerUserFactory, UserFactory
from tests.workspace.support import cited_draft, editor_data, url

pytestmark = pytest.mark.django_db

READ_URLS = ["detail", "edit", "preview", "diff"]
WRITE_URLS = ["edit", "submit", "withdraw"]


@pytest.fixture
def intruder(client):
    user = AuthorFactory(username="intruder")
    client.force_login(user)
    return client


@pytest.fixture(params=["draft", "submitted", "changes_requested", "approved"])
def others_article(request, article):
    """Another author's article, in each state an author can meet it (the state fixtures
    of tests/conftest.py)."""
    request.getfixturevalue(request.param)
    return article


@pytest.mark.parametrize("name", READ_URLS)
def test_reading_another_authors_article_is_404(intruder, others_article, name):
    assert intruder.get(url(name, others_article)).status_code == 404


@pytest.mark.parametrize("name", WRITE_URLS)
def test_changing_another_authors_article_is_404_and_changes_nothing(
    intruder, others_article, name
):
    revisions = list(Revision.objects.values_list("pk", "title", "locked_at"))
    submissions = list(Submission.objects.values_list("pk", "state"))
    audit = AuditEntry.objects.count()
    data = editor_data(topic=others_article.topic, title="Taken over")
    response = intruder.post(url(name, others_article), {**data, "note": "x", "reason": "x"})
    assert response.status_code == 404
    assert list(Revision.objects.values_list("pk", "title", "locked_at")) == revisions
    assert list(Submission.objects.values_list("pk", "state")) == submissions
    assert AuditEntry.objects.count() == audit


def test_a_missing_article_is_404_too(intruder):
    assert intruder.get(reverse("author:detail", kwargs={"pk": 987654})).status_code == 404


def test_a_coauthor_may_work_on_the_article(client, article, draft):
    coauthor = AuthorFactory()
    article.authors.add(coauthor)
    client.force_login(coauthor)
    for name in READ_URLS:
        assert client.get(url(name, article)).status_code == 200, name


@pytest.mark.parametrize("name", ["dashboard", "new", *READ_URLS, *WRITE_URLS])
def test_signed_out_visitors_are_sent_to_sign_in(client, article, draft, name):
    target = reverse(f"author:{name}") if name in ("dashboard", "new") else url(name, article)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={target}"


@pytest.mark.parametrize("factory", [UserFactory, ReviewerUserFactory])
def test_accounts_outside_authors_are_told_the_workspace_is_for_authors(client, factory):
    client.force_login(factory())
    response = client.get(reverse("author:dashboard"))
    assert response.status_code == 403
    assert "This workspace is for authors" in response.content.decode()


@pytest.mark.parametrize("name", ["submit", "withdraw"])
def test_state_changes_are_post_only(client, author, article, draft, name):
    client.force_login(author)
    assert client.get(url(name, article)).status_code == 405


def test_state_changes_need_the_csrf_token(author, article):
    cited_draft(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(url("submit", article), {"note": ""}).status_code == 403
    assert client.post(url("edit", article), editor_data(topic=article.topic)).status_code == 403
    assert not Submission.objects.exists()

    page = client.get(url("detail", article))
    token = page.cookies["csrftoken"].value
    response = client.post(url("submit", article), {"note": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Submission.objects.get().state == SubmissionState.SUBMITTED
