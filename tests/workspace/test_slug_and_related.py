"""The author sets the article's web address until the first submission, and chooses its
related questions among published articles (issue 10)."""

import pytest
from django.urls import reverse

from articles.models import Article, RelatedQuestion
from editorial import services
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.factories import ArticleFactory
from tests.workspace.support import cited_draft, editor_data, flash, html, url

pytestmark = pytest.mark.django_db


def published_article(slug, tag):
    article, revision = b12_article(slug=slug)
    lock_and_publish(revision, reviewers=make_reviewers(1, tag=tag))
    return article


# The web address.


def test_a_new_article_takes_the_slug_the_author_gives(signed_in, topic):
    response = signed_in.post(
        reverse("author:new"), editor_data(topic=topic, slug="b12-and-restless-legs")
    )
    assert response.status_code == 302
    assert Article.objects.get().slug == "b12-and-restless-legs"


def test_an_empty_slug_is_made_from_the_question(signed_in, topic):
    signed_in.post(reverse("author:new"), editor_data(topic=topic, title="Does iron help?"))
    assert Article.objects.get().slug == "does-iron-help"


def test_a_draft_slug_can_be_changed_before_the_first_submission(signed_in, article, draft, topic):
    page = html(signed_in.get(url("edit", article)))
    assert f'name="slug" value="{article.slug}"' in page
    assert "as in /articles/b12-and-restless-legs/. Left empty" in page
    response = signed_in.post(url("edit", article), editor_data(topic=topic, slug="a-better-one"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.slug == "a-better-one"


@pytest.mark.parametrize(
    "slug, message",
    [
        ("Not A Slug", "Use lowercase letters, digits and single hyphens"),
        ("trailing-", "Use lowercase letters, digits and single hyphens"),
        ("<script>", "Use lowercase letters, digits and single hyphens"),
        ("taken-already", "Another article already has this web address: choose another."),
    ],
)
def test_a_bad_or_taken_slug_is_a_form_error_and_saves_nothing(
    signed_in, article, draft, topic, slug, message
):
    ArticleFactory(slug="taken-already")
    before = article.slug
    response = signed_in.post(url("edit", article), editor_data(topic=topic, slug=slug))
    assert response.status_code == 400
    assert flash(response) == ["Nothing was saved: correct the marked fields."]
    assert message in html(response)
    article.refresh_from_db()
    assert article.slug == before


def test_the_slug_is_locked_once_submitted_and_shown_read_only(signed_in, author, topic):
    article = ArticleFactory(authors=[author], slug="first-address")
    submission = services.submission_submit(
        article=article, revision=cited_draft(article), actor=author
    )
    services.submission_withdraw(submission=submission, actor=author)
    page = html(signed_in.get(url("edit", article)))
    assert 'name="slug"' not in page
    assert "<code>/articles/first-address/</code>" in page
    assert "Fixed since the article was first submitted" in page
    # A crafted POST cannot change it either.
    response = signed_in.post(url("edit", article), editor_data(topic=topic, slug="sneaky"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.slug == "first-address"


# Related questions.


def test_the_author_chooses_related_questions_among_published_articles(
    signed_in, article, draft, topic, client
):
    iron = published_article("iron-and-rls", "rel1")
    acid = published_article("acid-and-b12", "rel2")
    unpublished = ArticleFactory(slug="not-yet-published")
    page = html(signed_in.get(url("edit", article)))
    assert f'value="{iron.pk}"' in page and f'value="{acid.pk}"' in page
    assert f'value="{unpublished.pk}"' not in page
    assert f'value="{article.pk}"' not in page  # not itself

    response = signed_in.post(url("edit", article), editor_data(topic=topic, related=[acid, iron]))
    assert response.status_code == 302
    assert set(article.related_links.values_list("related__slug", flat=True)) == {
        "iron-and-rls",
        "acid-and-b12",
    }
    page = html(signed_in.get(url("edit", article)))
    assert f'value="{iron.pk}" class="related-choices" id="id_related_' in page
    assert page.count("checked") == 2

    signed_in.post(url("edit", article), editor_data(topic=topic, related=[iron]))
    assert list(article.related_links.values_list("related__slug", flat=True)) == ["iron-and-rls"]


def test_an_unpublished_or_own_article_cannot_be_chosen(signed_in, article, draft, topic):
    unpublished = ArticleFactory()
    for choice in (unpublished, article):
        response = signed_in.post(url("edit", article), editor_data(topic=topic, related=[choice]))
        assert response.status_code == 400
        assert "Select a valid choice." in html(response)
    assert not RelatedQuestion.objects.exists()


def test_readers_see_the_related_questions_the_author_chose(signed_in, author, topic, client):
    iron = published_article("iron-first", "rel3")
    article, revision = b12_article(slug="b12-with-related", author=author)
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="rel4"))
    signed_in.post(url("edit", article), editor_data(topic=topic, related=[iron]))
    page = client.get(article.get_absolute_url()).content.decode()
    related = page[page.index('id="related-heading"') :]
    assert f'<a href="{iron.get_absolute_url()}">' in related


def test_a_link_to_an_article_not_offered_is_kept(signed_in, article, draft, topic):
    pending = ArticleFactory(slug="in-review-elsewhere")
    RelatedQuestion.objects.create(article=article, related=pending, position=1)
    iron = published_article("iron-kept", "rel5")
    response = signed_in.post(url("edit", article), editor_data(topic=topic, related=[iron]))
    assert response.status_code == 302
    assert list(article.related_links.values_list("related__slug", flat=True)) == [
        "in-review-elsewhere",
        "iron-kept",
    ]
