"""With the demo data, the demo author signs in with the published password and takes
the seeded draft from draft to submitted, guided by the pages alone."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from editorial.models import Submission, SubmissionState

pytestmark = pytest.mark.django_db

DRAFT_SLUG = "magnesium-nocturnal-leg-cramps"
# The demo author's articles whose newest submission the board is reading: the editor
# refuses them with 409 (withdraw first); every other page of every article opens.
IN_REVIEW = {
    "iron-testing-restless-legs-syndrome",  # approved, its update under review
    "celiac-disease-iron-b12-testing",  # submitted
    "metformin-vitamin-b12-deficiency",  # under review
}


def test_the_demo_author_takes_the_seeded_draft_to_submitted(client, seeded_demo):
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


def test_every_demo_article_of_the_author_opens_in_every_workspace_page(client, seeded_demo):
    client.post(reverse("login"), {"username": "author", "password": "imprimatur-demo"})
    articles = Article.objects.filter(authors__username="author").order_by("slug")
    assert len(articles) == 10
    assert {article.slug for article in articles} >= IN_REVIEW
    statuses = {
        (article.slug, name): client.get(
            reverse(f"author:{name}", kwargs={"pk": article.pk})
        ).status_code
        for article in articles
        for name in ("detail", "edit", "preview", "diff")
    }
    assert statuses == {
        (slug, name): 409 if name == "edit" and slug in IN_REVIEW else 200
        for slug, name in statuses
    }
