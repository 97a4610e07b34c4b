"""Cited-work retraction check (issue 11 §5): ``import_retractions`` loads a Retraction
Watch CSV (its real columns) idempotently; a reference to a retracted work is a checklist
error unless cited as retracted and is flagged for the reviewer; the next sweep sends every
approved article citing a newly retracted work back to the board, tells the chair, and the
page says why; a work cited only in a draft gets no re-review."""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import RetractedWork
from articles.retraction_import import SNAPSHOT_COLUMNS as COLUMNS
from articles.retractions import normalise_doi, retracted_citations
from editorial.models import AuditEntry, Notification, Submission, SubmissionKind
from editorial.sweep import run_sweep
from tests.factories import ReferenceFactory, RevisionFactory
from workspace.checks import check_revision

pytestmark = pytest.mark.django_db


def row(record_id, *, doi="", pmid="", date="3/14/2026 0:00", title="A retracted trial"):
    return {
        "Record ID": str(record_id),
        "Title": title,
        "Subject": "(HSC) Medicine - Neurology;",
        "Institution": "Example University",
        "Journal": "Journal of Examples",
        "Publisher": "Example Press",
        "Country": "Nowhere",
        "Author": "A. Author;B. Author",
        "URLS": "",
        "ArticleType": "Research Article;",
        "RetractionDate": date,
        "RetractionDOI": f"10.9999/retraction.{record_id}",
        "RetractionPubMedID": "",
        "OriginalPaperDate": "1/2/2020 0:00",
        "OriginalPaperDOI": doi,
        "OriginalPaperPubMedID": pmid,
        "RetractionNature": "Retraction",
        "Reason": "+Concerns/Issues About Data;+Investigation by Journal/Publisher;",
        "Paywalled": "No",
        "Notes": "",
    }


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def import_csv(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_retractions", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dois_are_normalised_and_pmids_matched_exactly():
    assert normalise_doi("https://doi.org/10.1000/ABC.12") == "10.1000/abc.12"
    assert normalise_doi("doi:10.1000/Abc.12") == "10.1000/abc.12"
    assert normalise_doi("DOI: 10.1000/abc.12 ") == "10.1000/abc.12"
    assert normalise_doi("http://dx.doi.org/10.1000/abc.12") == "10.1000/abc.12"
    assert normalise_doi("unavailable") == ""


def test_the_import_is_idempotent_counts_and_reports_malformed_rows_by_line(tmp_path):
    rows = [
        row(1, doi="DOI:10.1000/EXAMPLE"),
        row(2, pmid="87654321"),
        {**row(3, doi="10.1000/x"), "Record ID": "three"},  # line 4: not a number
        row(4, doi="10.1000/y", date="the ides of March"),  # line 5: no date
        row(5, doi="", pmid=""),  # line 6: nothing identifies the work
        row(6, doi="https://doi.org/10.1000/Z"),
    ]
    path = write_csv(tmp_path / "rw.csv", rows)

    out, err = import_csv(path)

    assert "6 rows read: 3 new, 0 already known (updated), 3 malformed and skipped" in out
    assert "line 4: Record ID 'three' is not a number; row skipped" in err
    assert "line 5: the retraction date 'the ides of March' is not a date" in err
    assert "line 6: neither OriginalPaperDOI nor OriginalPaperPubMedID" in err
    assert sorted(RetractedWork.objects.values_list("record_id", "original_doi")) == [
        (1, "10.1000/example"),
        (2, ""),
        (6, "10.1000/z"),
    ]
    out, _ = import_csv(path)
    assert "3 new" not in out and "0 new, 3 already known (updated)" in out
    assert RetractedWork.objects.count() == 3


def test_a_file_that_is_not_a_snapshot_is_refused_and_imports_nothing(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,doi\n1,10.1000/x\n")
    with pytest.raises(CommandError, match="missing column"):
        import_csv(str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        import_csv(str(tmp_path / "absent.csv"))
    assert not RetractedWork.objects.exists()


def test_a_retracted_reference_is_a_checklist_error_unless_cited_as_retracted(article, author):
    revision = RevisionFactory(article=article, number=1, body="Claim [1]. Other [2].")
    ReferenceFactory(revision=revision, position=1, doi="10.1000/Retracted", pmid="")
    cited = ReferenceFactory(revision=revision, position=2, doi="", pmid="11112222")
    RetractedWork.objects.create(
        record_id=1, original_doi="10.1000/retracted", retraction_date="2026-03-14"
    )
    RetractedWork.objects.create(record_id=2, original_pmid="11112222")

    errors = [p.message for p in check_revision(revision).errors]
    assert any(
        m.startswith("Reference 1: this work was retracted on March 14, 2026") for m in errors
    )
    assert any(m.startswith("Reference 2: this work was retracted") for m in errors)

    cited.delete()
    ReferenceFactory(
        revision=revision, position=2, doi="", pmid="11112222", cited_as_retracted=True
    )
    checklist = check_revision(revision)
    assert [p.anchor for p in checklist.errors if "retracted" in p.message] == ["reference-1"]
    assert "Reference 2 is cited as retracted (retracted)." in checklist.passed


def test_the_check_per_article_is_one_query_whatever_its_references(
    article, django_assert_num_queries
):
    revision = RevisionFactory(article=article, number=1)
    for position in range(1, 41):
        ReferenceFactory(revision=revision, position=position, doi=f"10.1000/r{position}")
    references = list(revision.references.all())
    RetractedWork.objects.create(record_id=9, original_doi="10.1000/r7")
    with django_assert_num_queries(1):
        found = retracted_citations(references)
    assert list(found) == [7]


def test_the_reviewer_sees_the_retraction_flagged(client, accepted):
    RetractedWork.objects.create(
        record_id=1, original_doi="10.1000/example", retraction_date="2026-03-14",
        reason="+Fabrication of Data;",
    )  # fmt: skip
    client.force_login(accepted.reviewer.user)
    page = client.get(reverse("admin:editorial_assignment_review", args=[accepted.pk]))
    assert 'Retracted on <time datetime="2026-03-14">14 Mar 2026</time>' in page.text
    assert "Check whether the claims it supports still stand" in page.text


def test_the_sweep_reopens_an_approved_article_citing_a_newly_retracted_work(
    client, approved, chair, tmp_path
):
    article = approved.article
    other = RevisionFactory(number=1)  # a draft elsewhere citing another retracted work
    ReferenceFactory(revision=other, position=1, doi="10.1000/draft-only", pmid="")
    import_csv(
        write_csv(
            tmp_path / "rw.csv",
            [row(1, doi="https://doi.org/10.1000/EXAMPLE"), row(2, doi="10.1000/draft-only")],
        )
    )

    result = run_sweep()

    assert result.retraction_re_reviews == 1
    re_review = Submission.objects.get(article=article, kind=SubmissionKind.RE_REVIEW)
    assert "A study cited here was retracted on 2026-03-14" in re_review.author_note
    entry = AuditEntry.objects.get(action="retraction.open_re_review")
    assert entry.target_id == re_review.pk and entry.actor is None
    assert Notification.objects.filter(recipient=chair, submission=re_review).exists()
    assert not Submission.objects.filter(article=other.article).exists()
    article.refresh_from_db()
    assert str(article.cited_retraction_on) == "2026-03-14"
    cache.clear()
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        'A study cited here was retracted on <time datetime="2026-03-14">March 14, 2026</time>;'
        " the board is re-checking this article." in html
    )
    feed = client.get("/feeds/articles/").content.decode()
    assert "A study cited here was retracted on 2026-03-14" in feed

    assert run_sweep().retraction_re_reviews == 0, "each retraction is swept once"
    import_csv(write_csv(tmp_path / "rw.csv", [row(1, doi="10.1000/example")]))
    assert run_sweep().retraction_re_reviews == 0, "a re-import is not a new retraction"


def test_a_retraction_no_published_article_cites_reopens_nothing(approved):
    assert approved.revision.references.get().doi == "10.1000/example"
    RetractedWork.objects.create(record_id=1, original_doi="10.1000/other")
    assert run_sweep().retraction_re_reviews == 0
    assert RetractedWork.objects.get().swept_at is not None
