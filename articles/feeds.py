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
        return selectors.published_articles().prefetch_related("notices")[:FEED_SIZE]

    def item_title(self, article):
        # XML cannot carry control characters; titles stored before validation may.
        title = printable(article.published_revision.title)
        notices = article.notices.all()
        if any(notice.is_retraction for notice in notices):
            return f"Retracted: {title}"
        return title

    def item_description(self, article):
        """The summary, after every notice on the article (newest first) and the note of a
        retracted citation: a feed reader sees what the page says at its top."""
        lines = [
            f"{notice.get_kind_display()} ({notice.issued_at:%Y-%m-%d}): {notice.reason}"
            for notice in article.notices.all()
        ]
        if article.cited_retraction_on:
            lines.append(
                f"A study cited here was retracted on {article.cited_retraction_on:%Y-%m-%d}; "
                "the board is re-checking this article."
            )
        lines.append(plain_summary(article.published_revision.summary, 600))
        return printable("\n\n".join(lines))

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        return settings.SITE_URL + article.get_absolute_url()

    def item_guid_is_permalink(self, article):
        return True

    def item_pubdate(self, article):
        return article.first_published_at

    def item_updateddate(self, article):
        return max(filter(None, (article.last_reviewed_at, article.last_notice_at)))

    def item_categories(self, article):
        return [printable(article.topic.name)]
