"""Reader views: only approved revisions are ever shown."""

from django.http import Http404
from django.shortcuts import render

from articles import selectors
from articles.presentation import reader_context


def article_list(request):
    return render(request, "articles/list.html", {"articles": selectors.published_articles()})


def article_detail(request, slug):
    article = selectors.published_article(slug)
    if article is None:
        raise Http404("No published article here.")
    revision = article.published_revision
    context = reader_context(
        article=article, revision=revision, references=list(revision.references.all())
    )
    return render(request, "articles/detail.html", context)
