"""Text hygiene, once for every app: what a single-line field may hold, the one
normalisation (NFC) of everything stored, and the output-side cleaning that keeps the
feed, sitemap, JSON-LD and email headers working on text stored before validation.

Input is refused with a clear form error (``validate_single_line``, ``validate_title``);
output is cleaned silently (``printable``, ``header_safe``): a stored question with a
control character must never take a feed or an email down with it.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# C0 and C1 control characters (tab, line feed and carriage return included), and the
# Unicode line and paragraph separators: none belongs in a one-line field.
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
# Characters XML 1.0 cannot carry at all (the feed and sitemap are XML), and those that a
# multi-line text may still not hold (everything but tab, line feed, carriage return).
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Bidirectional embeddings, overrides and isolates: in a title they can make the text
# shown differ from the text stored (the "Trojan Source" trick).
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")

SINGLE_LINE_MESSAGE = "Use a single line of text: remove line breaks and control characters."
BIDI_MESSAGE = "Remove the invisible text-direction characters (U+202A–U+202E, U+2066–U+2069)."


def nfc(value):
    """Unicode NFC: the one form text is stored in, so equal text compares equal."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def validate_single_line(value):
    if _CONTROL_RE.search(value or ""):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")


def validate_title(value):
    validate_single_line(value)
    if _BIDI_RE.search(value or ""):
        raise ValidationError(BIDI_MESSAGE, code="bidi")


def validate_multiline(value):
    """Multi-line text (bodies, comments) may hold line breaks and tabs, nothing else of
    the control characters: they cannot be stored in XML, and NUL not even in PostgreSQL."""
    if _NOT_XML_RE.search(value or ""):
        raise ValidationError(
            "Remove the control characters from this text.", code="control_characters"
        )


def printable(value):
    """``value`` without the characters XML cannot carry: for the feed, sitemap and JSON-LD
    of text that predates validation."""
    return _NOT_XML_RE.sub("", value) if value else value


def header_safe(value):
    """One line for an email header: line breaks and control characters become spaces."""
    return " ".join(_CONTROL_RE.sub(" ", value or "").split())


# websearch_to_tsquery turns each "-" into a NOT; PostgreSQL's parser overflows its stack
# near 32 nested operators ("tsquery stack too small"), so a query keeps at most this many
# dashes (later ones become spaces) and at most this many words.
SEARCH_MAX_DASHES = 8
SEARCH_MAX_WORDS = 32


def search_query(value):
    """A reader's search words made safe for PostgreSQL's web-search parser: NFC, no control
    characters (NUL is refused by PostgreSQL), no runs of dashes, a bounded number of words."""
    value = _CONTROL_RE.sub(" ", nfc(value or ""))
    head, *rest = value.split("-")
    value = head + "".join(
        ("-" if index < SEARCH_MAX_DASHES else " ") + part for index, part in enumerate(rest)
    )
    words = [word for word in value.split() if word.strip("-\"'")]
    return " ".join(words[:SEARCH_MAX_WORDS])


_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def slug_or_empty(value):
    """``value`` if it can be a slug; otherwise the empty string (``?topic=%00``)."""
    value = (value or "").strip()
    return value if _SLUG_RE.match(value) else ""


class NormalisedCharField(forms.CharField):
    """A form field whose text is stored in NFC, whatever the browser sent."""

    def to_python(self, value):
        return nfc(super().to_python(value))


class SingleLineField(NormalisedCharField):
    """Questions, names, sources: one line, no control characters."""

    default_validators = [validate_single_line]


class TitleField(NormalisedCharField):
    """A title: one line, and no bidirectional overrides."""

    default_validators = [validate_title]


class MultiLineField(NormalisedCharField):
    """Bodies and comments: line breaks and tabs, no other control characters."""

    default_validators = [validate_multiline]


class CleanTextAdminMixin:
    """For model admins: plain text fields become single-line fields, text areas refuse
    control characters, and both are stored in NFC. Fields with choices and the
    specialised char fields (slug, email, URL) keep their own form fields."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if not db_field.choices:
            if type(db_field) is models.CharField:
                title = db_field.name == "title"
                kwargs.setdefault("form_class", TitleField if title else SingleLineField)
            elif type(db_field) is models.TextField:
                kwargs.setdefault("form_class", MultiLineField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
