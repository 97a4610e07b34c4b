"""An article's review dossier, downloaded as PDF or JSON: the chair's copy (with the
confidential parts) for the chair, the board copy for a reviewer who was assigned to the
article, 404 for anyone else."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from articles.models import Article
from editorial.dossiers import article_dossier, dossier_json, dossier_pdf
from editorial.roles import is_chair
from editorial.selectors import articles_visible_to

CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json; charset=utf-8"}


def dossier_view(request, article_id, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404("A dossier is a .pdf or a .json file.")
    article = get_object_or_404(
        articles_visible_to(request.user, Article.objects.all()), pk=article_id
    )
    dossier = article_dossier(article, for_chair=is_chair(request.user))
    body = dossier_pdf(dossier) if fmt == "pdf" else dossier_json(dossier)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="dossier-{article.slug}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
