"""Changelist rows whose cells carry their column's name (``data-label``), so that on a
phone ``static/css/staff.css`` can stack each row into labelled lines."""

import re

from django import template
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()

_CELL_OPENING = re.compile(r"^\s*<(td|th)\b")


@register.simple_tag
def labelled_row(cells, headers):
    """The row's cells (HTML from the admin's ``items_for_result``), each given the text of
    its column header; the checkbox column has none."""
    labelled = []
    for cell, header in zip(cells, headers, strict=False):
        label = capfirst(" ".join(strip_tags(str(header["text"])).split()))
        html = str(cell)
        if label:
            attribute = f' data-label="{escape(label)}"'
            html = _CELL_OPENING.sub(lambda match, a=attribute: f"<{match[1]}{a}", html, count=1)
        labelled.append(html)
    return mark_safe("".join(labelled))  # noqa: S308 - the admin's own escaped cells
