"""Issue 11, done when: on the demo, after ``import_retractions`` of a CSV that retracts a
study cited by the B12 article, the next sweep opens its re-review and the page says why."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article
from editorial.models import Submission, SubmissionKind, SubmissionState
from tests.editorial.test_retractions import row, write_csv

pytestmark = pytest.mark.django_db

B12 = "vitamin-b12-deficiency-restless-legs"


def test_a_retracted_study_cited_by_the_b12_article_sends_it_back_to_the_board(
    seeded_demo, client, tmp_path
):
    article = Article.objects.get(slug=B12)
    cited = article.published_revision.references.get(position=1)
    # As the snapshot writes it: a resolver URL and another case.
    retracted = row(424242, doi=f"https://doi.org/{cited.doi.upper()}", date="2/3/2026 0:00")
    path = write_csv(tmp_path / "retraction_watch.csv", [retracted])
    call_command("import_retractions", path, "--no-progress", stdout=io.StringIO())

    call_command("send_reminders", stdout=io.StringIO())

    re_review = Submission.objects.get(article=article, kind=SubmissionKind.RE_REVIEW)
    assert re_review.state == SubmissionState.SUBMITTED
    cache.clear()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "A study cited here was retracted on" in html
    assert "February 3, 2026</time>; the board is re-checking this article." in html
