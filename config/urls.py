from django.contrib import admin
from django.urls import include, path

from config.views import healthz

admin.site.site_header = "Imprimatur editorial office"
admin.site.site_title = "Imprimatur"
admin.site.index_title = "Medical Advisory Board"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("author/", include("articles.author.urls")),
    path("accounts/", include("articles.author.account_urls")),
    path("", include("reviewers.urls")),
    path("", include("articles.urls")),
]
