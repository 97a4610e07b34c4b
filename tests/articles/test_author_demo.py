"""With the demo data, the demo author signs in with the published password and takes
the seeded draft from draft to submitted, guided by the pages alone."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from editorial.models import Submission, SubmissionState

pytestmark = pytest.mark.django_db

DRAFT_SLUG = "magnesium-nocturnal-leg-cramps"


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", verbosity=0)


def test_the_demo_author_takes_the_seeded_draft_to_submitted(client, demo):
    response = client.post(
        reverse("login"), {"username": "author", "password": "imprimatur-demo"}, follow=True
    )
    dashboard = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("author:dashboard")

    article = Article.objects.get(slug=DRAFT_SLUG)
    link = reverse("author:detail", kwargs={"pk": article.pk})
    row = re.search(rf'href="{link}">(.*?)</tr>', dashboard, re.S).group(1)
    assert "Does magnesium help nocturnal leg cramps in older adults?" in row
    assert '<span class="badge badge-draft">Draft</span>' in row

    page = client.get(link).content.decode()
    assert "Ready to submit" in page
    assert re.search(r'<button type="submit" class="button">Submit version 1 for review', page)

    response = client.post(
        reverse("author:submit", kwargs={"pk": article.pk}),
        {"note": "First submission of the magnesium question."},
        follow=True,
    )
    assert response.context["status"].label == "Submitted"
    submission = Submission.objects.get(article=article)
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.submitted_by.username == "author"


def test_every_demo_article_of_the_author_opens_in_every_workspace_page(client, demo):
    client.login(username="author", password="imprimatur-demo")
    articles = Article.objects.filter(authors__username="author")
    assert articles.count() >= 5
    for article in articles:
        for name in ("detail", "edit", "preview", "diff"):
            response = client.get(reverse(f"author:{name}", kwargs={"pk": article.pk}))
            assert response.status_code in (200, 409), (article.slug, name)
