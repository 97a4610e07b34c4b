from django.db.models.signals import m2m_changed
from django.shortcuts import render

from articles import page_cache
from reviewers.models import BoardMember

# The public board list is the same for everyone: its rows are kept in the reader cache
# (articles.page_cache: per process, then Redis), dropped when a member or a member's
# specialties change (scope ``board``) or a topic they cover is renamed (its scope).
BOARD_KEY = "reader:board"
BOARD_SCOPE = "board"


def _active_members():
    return list(BoardMember.objects.active().prefetch_related("specialties"))


def _topic_scopes(members):
    return {
        page_cache.topic_scope(topic.pk) for member in members for topic in member.specialties.all()
    }


def board(request):
    members = page_cache.cached_value(
        BOARD_KEY, _active_members, scopes=(BOARD_SCOPE,), scopes_of=_topic_scopes
    )
    return render(request, "reviewers/board.html", {"members": members})


def _specialties_changed(action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        page_cache.page_changed(BOARD_SCOPE)


def connect_signals():
    """Called when the app is ready: saving or deleting a member, or changing their
    specialties, drops the cached board list."""
    page_cache.watch("reviewers.BoardMember", lambda member: (BOARD_SCOPE,))
    m2m_changed.connect(
        _specialties_changed,
        sender=BoardMember.specialties.through,
        weak=False,
        dispatch_uid="reader-cache-board-specialties",
    )
