from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views

app_name = "api"

urlpatterns = [
    path("v1/articles/", views.ArticleList.as_view(), name="article-list"),
    path("v1/articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("v1/topics/", views.TopicList.as_view(), name="topic-list"),
    path("v1/board/", views.BoardList.as_view(), name="board-list"),
    path("v1/policy/", views.Policy.as_view(), name="policy"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
