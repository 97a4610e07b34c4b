"""Calendar feeds behind secret links: ``reviews.ics`` (the holder's open assignments)
and, for the chair, ``board.ics``. A wrong or reset link is a 404, like any unknown URL."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from editorial import calendars
from editorial.models import CalendarToken
from editorial.roles import is_chair


def _ics(body, name):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def member_calendar(request, token):
    user = CalendarToken.holder(token)
    member = getattr(user, "board_member", None) if user is not None else None
    if member is None:
        raise Http404("No calendar here.")
    return _ics(calendars.member_feed(member), "reviews.ics")


@require_GET
def board_calendar(request, token):
    user = CalendarToken.holder(token)
    if user is None or not is_chair(user):
        raise Http404("No calendar here.")
    return _ics(calendars.board_feed(), "board.ics")
