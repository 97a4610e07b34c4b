from django.contrib import admin
from django.urls import include, path

from config.views import healthz

admin.site.site_header = "Imprimatur editorial office"
admin.site.site_title = "Imprimatur"
admin.site.index_title = "Medical Advisory Board"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("reviewers.urls")),
    path("", include("articles.urls")),
]
