"""ORCID iDs: sixteen characters in four groups of four, the last a check character
computed with ISO 7064 MOD 11-2 over the first fifteen digits (``X`` stands for ten).
People type their own iD; without signing in to ORCID (which needs the network) nothing
proves it is theirs, so pages label it self-reported."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

ORCID_URL = "https://orcid.org/"
_FORMAT = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def check_character(base_digits):
    """The MOD 11-2 check character of the fifteen ``base_digits``."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value):
    """An iD as stored: the bare ``0000-0000-0000-0000`` form, from that form or the
    ``https://orcid.org/`` URL, upper-case ``X``."""
    value = (value or "").strip()
    for prefix in (ORCID_URL, "http://orcid.org/", "orcid.org/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.upper()


def validate_orcid(value):
    value = normalize_orcid(value)
    if not _FORMAT.match(value):
        raise ValidationError(
            "An ORCID iD is sixteen characters in four groups of four, such as "
            "0000-0002-1825-0097.",
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            "This ORCID iD's last character does not match its check digit: "
            "please copy it again from your ORCID record.",
            code="orcid_checksum",
        )


def orcid_url(value):
    return ORCID_URL + value if value else ""


class OrcidFormField(forms.CharField):
    """Accepts the bare iD or its URL (longer than the stored form) and normalizes it."""

    def to_python(self, value):
        return normalize_orcid(super().to_python(value))


class OrcidField(models.CharField):
    """An optional ORCID iD, stored bare; the URL form is accepted and normalized."""

    default_validators = [validate_orcid]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 19)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("verbose_name", "ORCID iD")
        kwargs.setdefault("help_text", "Self-reported, for example 0000-0002-1825-0097.")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalize_orcid(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OrcidFormField, "max_length": 60, **kwargs})
