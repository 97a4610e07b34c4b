from django.urls import path

from workspace import profile, views

app_name = "author"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.article_new, name="new"),
    path("profile/", profile.profile, name="profile"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="edit"),
    path("articles/<int:pk>/preview/", views.article_preview, name="preview"),
    path("articles/<int:pk>/diff/", views.article_diff, name="diff"),
    path("articles/<int:pk>/submit/", views.article_submit, name="submit"),
    path("articles/<int:pk>/withdraw/", views.article_withdraw, name="withdraw"),
]
