"""``/sitemap.xml``: approved articles only (pending ones are noindex), with ``lastmod``
from their last review, and the public pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles import selectors


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return selectors.published_articles().select_related(None).only("slug", "last_reviewed_at")

    def lastmod(self, article):
        return article.last_reviewed_at


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return ["articles:list", "reviewers:board", "editorial_policy"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"articles": ArticleSitemap, "pages": PublicPagesSitemap}
