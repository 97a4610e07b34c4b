"""Retracted works, loaded from a Retraction Watch snapshot (``manage.py
import_retractions``), and the check of a revision's references against them: a DOI is
matched after normalising (case, ``doi:`` and URL prefixes), a PMID exactly."""

import re

from django.db import models
from django.db.models import Q
from django.utils import timezone

_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(value):
    """``10.1000/ABC``, ``doi:10.1000/abc`` and ``https://doi.org/10.1000/abc`` are one DOI."""
    value = (value or "").strip()
    value = _DOI_PREFIX_RE.sub("", value).strip()
    return value.lower() if value.startswith("10.") else ""


def normalise_pmid(value):
    value = (value or "").strip()
    return value if value.isdigit() and value != "0" else ""


class RetractedWork(models.Model):
    record_id = models.PositiveBigIntegerField("Record ID", unique=True)
    title = models.TextField(blank=True)
    journal = models.CharField(max_length=500, blank=True)
    original_doi = models.CharField(max_length=300, blank=True, db_index=True)
    original_pmid = models.CharField(max_length=12, blank=True, db_index=True)
    retraction_date = models.DateField(null=True, blank=True)
    retraction_doi = models.CharField(max_length=300, blank=True)
    nature = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    # When the sweep looked for approved articles that cite it (None: not yet).
    swept_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "articles"
        ordering = ["-retraction_date", "record_id"]
        indexes = [
            models.Index(
                fields=["record_id"],
                name="retraction_unswept_idx",
                condition=Q(swept_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.nature or 'Retraction'} of {self.original_doi or self.original_pmid}"


def retracted_citations(references):
    """``{reference position: RetractedWork}`` for the ``references`` (loaded objects) that
    cite a retracted work: one query whatever their number (none if none has an id)."""
    by_doi, by_pmid = {}, {}
    for ref in references:
        if doi := normalise_doi(ref.doi):
            by_doi.setdefault(doi, []).append(ref.position)
        if pmid := normalise_pmid(ref.pmid):
            by_pmid.setdefault(pmid, []).append(ref.position)
    if not by_doi and not by_pmid:
        return {}
    found = {}
    works = RetractedWork.objects.filter(
        Q(original_doi__in=list(by_doi)) | Q(original_pmid__in=list(by_pmid))
    ).order_by("retraction_date", "record_id")
    for work in works:
        for position in by_doi.get(work.original_doi, []) + by_pmid.get(work.original_pmid, []):
            found.setdefault(position, work)
    return found
