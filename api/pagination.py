"""Cursor pagination for the article list: stable under inserts, opaque to clients."""

from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

INVALID_CURSOR = "Invalid cursor: use the `next` or `previous` link of a response."


class ArticleCursorPagination(CursorPagination):
    page_size = 20
    max_page_size = 100  # a bigger page_size is capped, not refused
    page_size_query_param = "page_size"
    ordering = ("-updated_at", "-pk")

    def decode_cursor(self, request):
        """A malformed cursor is the client's mistake: 400, not DRF's 404, and its
        position is checked before it reaches a query."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": INVALID_CURSOR}) from None
        if cursor is not None and cursor.position is not None and not _moment(cursor.position):
            raise ValidationError({"cursor": INVALID_CURSOR})
        return cursor


def _moment(text):
    try:
        return parse_datetime(text) is not None
    except ValueError:
        return False
