"""The query parameters each endpoint accepts. Anything else is a 400 that names what is
allowed: a misspelt filter must not silently return everything."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

QUERY_MAX_LENGTH = 200


def refuse_unknown(request, allowed):
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise ValidationError(
            {
                "detail": f"Unknown query parameter(s): {', '.join(unknown)}.",
                "allowed": sorted(allowed),
            }
        )


def updated_since(value):
    """An ISO 8601 date or date-time (naive ones in the site's time zone), not in the
    future; None when absent."""
    if value is None:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise ValueError
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        raise ValidationError(
            {"updated_since": "Use an ISO 8601 date or date-time, e.g. 2026-01-31."}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now():
        raise ValidationError({"updated_since": "This moment is in the future."})
    return moment


def text(value, name):
    value = (value or "").strip()
    if len(value) > QUERY_MAX_LENGTH:
        raise ValidationError({name: f"At most {QUERY_MAX_LENGTH} characters."})
    return value
