"""Atom feed of approved articles, newest review first (``/feeds/articles/``)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles import selectors
from articles.presentation import plain_summary
from articles.text import printable

FEED_SIZE = 30


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    description_template = None

    def title(self):
        return f"{settings.SITE_NAME}: reviewed answers"

    def subtitle(self):
        return "Medical questions answered and reviewed by our Medical Advisory Board."

    def link(self):
        return reverse("articles:list")

    def feed_url(self):
        return reverse("article_feed")

    def author_name(self):
        return settings.SITE_NAME

    def items(self):
        return selectors.published_articles()[:FEED_SIZE]

    def item_title(self, article):
        # XML cannot carry control characters; titles stored before validation may.
        return printable(article.published_revision.title)

    def item_description(self, article):
        return printable(plain_summary(article.published_revision.summary, 600))

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        return settings.SITE_URL + article.get_absolute_url()

    def item_guid_is_permalink(self, article):
        return True

    def item_pubdate(self, article):
        return article.first_published_at

    def item_updateddate(self, article):
        return article.last_reviewed_at

    def item_categories(self, article):
        return [printable(article.topic.name)]
