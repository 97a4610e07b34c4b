from django.urls import path

from reviewers import views

app_name = "reviewers"

urlpatterns = [path("board/", views.board, name="board")]
