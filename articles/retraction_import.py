"""Load a Retraction Watch snapshot (its published CSV) into ``RetractedWork``:
idempotent (rows are keyed by ``Record ID``), in batches, each malformed row reported with
its line number while the rest are imported. ``manage.py import_retractions`` drives it."""

import csv
import datetime
from dataclasses import dataclass, field

from django.db import transaction

from articles.retractions import RetractedWork, normalise_doi, normalise_pmid

# The header of the Retraction Watch CSV, in its order.
SNAPSHOT_COLUMNS = (
    "Record ID", "Title", "Subject", "Institution", "Journal", "Publisher", "Country",
    "Author", "URLS", "ArticleType", "RetractionDate", "RetractionDOI", "RetractionPubMedID",
    "OriginalPaperDate", "OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature",
    "Reason", "Paywalled", "Notes",
)  # fmt: skip
# The columns we read; a file without them is not a snapshot.
REQUIRED_COLUMNS = (
    "Record ID",
    "Title",
    "Journal",
    "RetractionDate",
    "RetractionDOI",
    "OriginalPaperDOI",
    "OriginalPaperPubMedID",
    "RetractionNature",
    "Reason",
)
BATCH_SIZE = 5000
UPDATED_FIELDS = [
    "title",
    "journal",
    "original_doi",
    "original_pmid",
    "retraction_date",
    "retraction_doi",
    "nature",
    "reason",
]
_DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")


class SnapshotError(Exception):
    """The file is not a Retraction Watch CSV at all (missing columns)."""


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list = field(default_factory=list)  # (line number, message)

    def summary(self):
        return (
            f"{self.rows} rows read: {self.created} new, {self.updated} already known "
            f"(updated), {len(self.problems)} malformed and skipped"
        )


def parse_date(value):
    value = (value or "").strip()
    if not value:
        return None
    # The snapshot's own form, "3/14/2026 0:00", read without strptime (it is the hot path).
    month, _, rest = value.partition("/")
    day, _, year = rest.partition("/")
    year = year.split(" ", 1)[0]
    if month.isdigit() and day.isdigit() and len(year) == 4 and year.isdigit():
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            pass
    for form in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError(f"the retraction date {value!r} is not a date")


def parse_row(row):
    """A ``RetractedWork`` (unsaved) from one CSV row, or ``ValueError`` saying why not."""
    record_id = (row.get("Record ID") or "").strip()
    if not record_id.isdigit():
        raise ValueError(f"Record ID {record_id!r} is not a number")
    doi = normalise_doi(row.get("OriginalPaperDOI"))
    pmid = normalise_pmid(row.get("OriginalPaperPubMedID"))
    if not doi and not pmid:
        raise ValueError("neither OriginalPaperDOI nor OriginalPaperPubMedID identifies the work")
    return RetractedWork(
        record_id=int(record_id),
        title=(row.get("Title") or "").strip(),
        journal=(row.get("Journal") or "").strip()[:500],
        original_doi=doi[:300],
        original_pmid=pmid[:12],
        retraction_date=parse_date(row.get("RetractionDate")),
        retraction_doi=normalise_doi(row.get("RetractionDOI"))[:300],
        nature=(row.get("RetractionNature") or "").strip()[:100],
        reason=(row.get("Reason") or "").strip(),
    )


def import_snapshot(stream, *, progress=None):
    """Read the CSV ``stream`` (text) and upsert every good row. ``progress(n)`` is called
    with the number of rows read after each batch. Returns an ``ImportResult``."""
    reader = csv.DictReader(stream)
    missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise SnapshotError(f"Not a Retraction Watch CSV: missing column(s) {', '.join(missing)}.")
    known = set(RetractedWork.objects.values_list("record_id", flat=True))
    result = ImportResult()
    batch = {}
    for row in reader:
        result.rows += 1
        try:
            work = parse_row(row)
        except (ValueError, TypeError) as error:
            result.problems.append((reader.line_num, str(error)))
            continue
        batch[work.record_id] = work  # a repeated Record ID: the later row wins
        if len(batch) >= BATCH_SIZE:
            _save(batch, known, result)
            if progress:
                progress(result.rows)
    _save(batch, known, result)
    if progress:
        progress(result.rows)
    return result


def _save(batch, known, result):
    if not batch:
        return
    works = list(batch.values())
    new = sum(1 for work in works if work.record_id not in known)
    with transaction.atomic():
        RetractedWork.objects.bulk_create(
            works,
            update_conflicts=True,
            unique_fields=["record_id"],
            update_fields=UPDATED_FIELDS,
        )
    known.update(batch)
    result.created += new
    result.updated += len(works) - new
    batch.clear()
