"""The public read API, ``/api/v1/``. Read-only: every view answers GET (and HEAD)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from api import conditional, params, selectors
from api.pagination import ArticleCursorPagination
from api.serializers import (
    ArticleDetailSerializer,
    ArticleSummarySerializer,
    BoardMemberSerializer,
    PolicySerializer,
    TopicSerializer,
)
from articles import selectors as article_selectors

# What every endpoint may answer besides its 200 (documented in the schema).
ERRORS = {
    304: OpenApiResponse(description="Not modified since the ETag or date given."),
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="An unknown query parameter (the answer lists the allowed ones), a "
        "malformed cursor or date: each bad parameter with what is wrong.",
    ),
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="A wrong or revoked API key."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Rate limit reached; see Retry-After."),
}


class PublicView:
    """Refuses unknown query parameters, and answers a conditional GET with ``304`` when
    nothing public changed since (``api.conditional``)."""

    allowed_params = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        params.refuse_unknown(request, self.allowed_params)

    def get(self, request, *args, **kwargs):
        validators = conditional.validators(request)
        if validators and conditional.not_modified(request, *validators):
            return conditional.set_headers(Response(status=304), *validators)
        response = super().get(request, *args, **kwargs)
        if validators and response.status_code == 200:
            conditional.set_headers(response, *validators)
        return response


@extend_schema(
    responses={200: ArticleSummarySerializer(many=True), **ERRORS},
    parameters=[
        OpenApiParameter("topic", str, description="A topic's slug."),
        OpenApiParameter(
            "updated_since",
            OpenApiTypes.DATETIME,
            description="ISO 8601 date or date-time, not in the future.",
        ),
        OpenApiParameter("q", str, description="Full-text search of the question and answer."),
    ],
)
class ArticleList(PublicView, generics.ListAPIView):
    """Approved articles (and, where the editorial policy publishes them, articles in
    review that were never approved, flagged ``review.pending``), most recently updated
    first."""

    serializer_class = ArticleSummarySerializer
    pagination_class = ArticleCursorPagination
    allowed_params = frozenset({"topic", "updated_since", "q", "cursor", "page_size"})

    def get_queryset(self):
        query = self.request.query_params
        return selectors.search(
            selectors.visible_articles(),
            topic=params.text(query.get("topic"), "topic"),
            updated_since=params.updated_since(query.get("updated_since")),
            query=params.text(query.get("q"), "q"),
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.attach_revisions(page)


@extend_schema(responses={200: ArticleDetailSerializer, 404: None, **ERRORS})
class ArticleDetail(PublicView, generics.RetrieveAPIView):
    """One article: both audiences' text as rendered HTML and as Markdown, its references
    with DOI and PMID, related questions and the facts of its review."""

    serializer_class = ArticleDetailSerializer

    def get_object(self):
        article = selectors.visible_article(self.kwargs["slug"])
        if article is None:
            raise Http404
        article.related = article_selectors.related_questions(article)
        return article


@extend_schema(responses={200: TopicSerializer(many=True), **ERRORS})
class TopicList(PublicView, generics.ListAPIView):
    serializer_class = TopicSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.topics()


@extend_schema(responses={200: BoardMemberSerializer(many=True), **ERRORS})
class BoardList(PublicView, generics.ListAPIView):
    """The active members of the Medical Advisory Board."""

    serializer_class = BoardMemberSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.active_board()


@extend_schema(responses={200: PolicySerializer, **ERRORS})
class Policy(PublicView, generics.RetrieveAPIView):
    """The editorial policy readers are shown."""

    serializer_class = PolicySerializer

    def get_object(self):
        return article_selectors.editorial_policy()
