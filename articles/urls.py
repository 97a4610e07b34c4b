from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/feedback/", views.article_feedback, name="feedback"),
    path(
        "articles/<slug:slug>/feedback/thanks/",
        views.article_feedback_thanks,
        name="feedback_thanks",
    ),
    path(
        "articles/<slug:slug>/changes/<int:old>/<int:new>/",
        views.article_changes,
        name="changes",
    ),
]
