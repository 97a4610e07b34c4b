from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles import views as article_views
from articles.feeds import ArticleFeed
from articles.sitemaps import SITEMAPS
from config.views import favicon, healthz
from editorial.views import calendar as calendar_views
from editorial.views import transparency
from editorial.views.two_factor import two_factor_enrol, two_factor_verify

admin.site.site_header = "Imprimatur editorial office"
admin.site.site_title = "Imprimatur"
admin.site.index_title = "Medical Advisory Board"

# The reader's pages first: they are the busiest, and each pattern tried costs time.
urlpatterns = [
    path("", include("articles.urls")),
    path("editorial-policy/", article_views.editorial_policy, name="editorial_policy"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/articles/", ArticleFeed(), name="article_feed"),
    path("review-keys.json", transparency.review_keys, name="review_keys"),
    path("audit/checkpoints.json", transparency.audit_checkpoints, name="audit_checkpoints"),
    path(
        "articles/<slug:slug>/review-record.json",
        transparency.review_record,
        name="review_record",
    ),
    path(
        "articles/<slug:slug>/review-record/<int:revision>.json",
        transparency.review_record,
        name="review_record_revision",
    ),
    path(
        "articles/<slug:slug>/review-record/<int:revision>/",
        transparency.verify_review,
        name="verify_review",
    ),
    path("", include("reviewers.urls")),
    path("author/", include("workspace.urls")),
    path("accounts/", include("workspace.account_urls")),
    path("api/", include("api.urls")),
    path(
        "calendar/<str:token>/reviews.ics",
        calendar_views.member_calendar,
        name="calendar_reviews",
    ),
    path("calendar/<str:token>/board.ics", calendar_views.board_calendar, name="calendar_board"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/two-factor/", two_factor_verify, name="two_factor_verify"),
    path("admin/two-factor/enrol/", two_factor_enrol, name="two_factor_enrol"),
    path("admin/", admin.site.urls),
]
