"""What the reader template needs, built in one place so that the author's preview renders
exactly what readers will get.

``reader_context(article=..., revision=..., preview=True)`` works for any revision: the
published one, one in review, or a draft with no review record yet. The banner, tracker
and structured data follow what the *shown revision* is, never only the article: a draft
of an approved article is not "reviewed by" anyone.
"""

import functools
import json
import re

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from articles import fragments, selectors, stored_html
from articles.models import NoticeKind, ReviewStatus
from articles.notices import notices_for
from articles.orcid import orcid_url
from articles.rendering import (  # noqa: F401 - plain_summary, safety_sections: re-exported
    plain_summary,
    safety_sections,
)


class Audience(models.TextChoices):
    PROFESSIONAL = "professional", "Healthcare professional"
    PATIENT = "patient", "Patient or caregiver"


AUDIENCE_COOKIE = "audience"
AUDIENCES = frozenset(Audience.values)


def audience_from(value):
    return value if value in AUDIENCES else Audience.PROFESSIONAL


class PageState(models.TextChoices):
    APPROVED = "approved", "Approved"
    PENDING = "pending", "Pending review"
    DRAFT = "draft", "Draft"


TRACKER_STEPS = (
    (ReviewStatus.SUBMITTED, "Submitted"),
    (ReviewStatus.UNDER_REVIEW, "Under review"),
    (ReviewStatus.APPROVED, "Approved"),
)


def reader_context(
    *,
    article,
    revision,
    references=None,
    preview=False,
    audience=Audience.PROFESSIONAL,
    related=None,
    history=None,
    notices=None,
):
    """Context for ``articles/detail.html``. ``references``, ``related``, ``history`` and
    ``notices`` may be passed when already loaded; otherwise one query each is made (none
    for the notices of an article that has none)."""
    if related is None:
        related = selectors.related_questions(article)
    if history is None:
        history = selectors.review_history(article)
    if notices is None:
        notices = notices_for(article) if article.last_notice_at else []
    audience = audience_from(audience)
    state = _page_state(article, revision)

    def loaded_references():
        nonlocal references
        if references is None:
            references = list(revision.references.order_by("position"))
        return references

    # Stored once for a submitted revision (with the reference list and citations, so the
    # references are read only to render them), rendered live for a draft (preview).
    fields = stored_html.revision_fields(revision, references=loaded_references)
    showing_patient = fragments.showing_patient(revision, audience)
    if showing_patient:
        # The plain-language version's own safety note, else the safety sections of the
        # clinicians' text (a revision written before the note existed).
        patient_note = bool(revision.patient_safety_note.strip())
        safety_html = fields["patient_safety_html"] if patient_note else fields["safety_html"]
        patient_summary = bool(revision.patient_summary.strip())
    else:
        safety_html, patient_summary = "", False

    reviewers = article.reviewed_by if state == PageState.APPROVED else []
    override = state == PageState.APPROVED and article.approved_by_override
    retraction = next((notice for notice in notices if notice.kind == NoticeKind.RETRACTION), None)
    last_updated = _last_updated(article, revision, history, state)
    canonical_url = settings.SITE_URL + article_path(article.slug)
    context = {
        "article": article,
        "revision": revision,
        "preview": preview,
        "state": state,
        # A retracted article stays reachable, marked, and out of search engines.
        "noindex": preview or state != PageState.APPROVED or retraction is not None,
        "update_under_review": state == PageState.APPROVED and article.update_under_review,
        "tracker": _tracker(article, state, override=override),
        "reviewers": reviewers,
        "override": override,
        "notices": notices,
        "retraction": retraction,
        "cited_retraction_on": article.cited_retraction_on if state == PageState.APPROVED else None,
        "literature_current_through": (
            article.literature_current_through if state == PageState.APPROVED else None
        ),
        "author_orcids": selectors.author_orcids(article),
        "last_updated": last_updated,
        "audience": audience,
        "audience_choices": Audience.choices,
        "patient_available": bool(revision.patient_body.strip()),
        "showing_patient": showing_patient,
        "summary_html": fields["patient_summary_html" if patient_summary else "summary_html"],
        "body_html": fields["body_html"],
        "patient_html": fields["patient_html"],
        "safety_html": safety_html,
        "references_html": fields["references_html"][audience],
        # The reference rows with their back-links, for a caller that shows them its own
        # way (the review screen), when they were loaded; the page uses references_html.
        "references": (
            None
            if references is None
            else fragments.reference_items(references, fragments.reading_order(revision, audience))
        ),
        "related": [{**row, "url": article_path(row["slug"])} for row in related],
        "history": _history(article, history),
        "canonical_url": canonical_url,
        "board_url": board_url(),  # reversed once, not once per reviewer named
        "meta_description": fields["meta_description"],
        "summary_text": fields["summary_text"],
    }
    context["json_ld"] = json_ld_script(
        _json_ld(
            context,
            author_names=selectors.author_names(article),
            author_orcids=context["author_orcids"],
            answer_text=fields["answer_text"],
        ),
        citations=fields["citations_ld"],
    )
    return context


def _page_state(article, revision):
    if revision.pk is not None and revision.pk == article.published_revision_id:
        return PageState.APPROVED
    return PageState.PENDING if revision.is_locked else PageState.DRAFT


def _tracker(article, state, *, override=False):
    """The three public steps for the newest submission (changes requested counts as
    under review), each done, current or upcoming; nothing reached for a draft. The
    Approved step of a page the chair approved without the quorum says so."""
    reached = 0
    if state != PageState.DRAFT:
        order = [status for status, _ in TRACKER_STEPS]
        status = article.review_status
        reached = order.index(status) + 1 if status in order else 0
    steps = []
    for index, (status, label) in enumerate(TRACKER_STEPS, start=1):
        if index < reached:
            progress = "done"
        elif index == reached:
            progress = "current"
        else:
            progress = "upcoming"
        step_override = override and status == ReviewStatus.APPROVED and progress != "upcoming"
        if step_override:
            label = "Approved by chair override"
        steps.append(
            {"status": status, "label": label, "progress": progress, "override": step_override}
        )
    return {"steps": steps, "reached": reached}


def _last_updated(article, revision, history, state):
    """When the shown content was last changed: the first approval of the published
    revision (a re-review that changes nothing is not an update), else when the revision
    was submitted or written."""
    if state == PageState.APPROVED:
        approvals = [r.approved_at for r in history if r.revision_id == revision.pk]
        if approvals:
            return min(approvals)
        if article.last_reviewed_at:
            return article.last_reviewed_at
    return revision.locked_at or revision.created_at


def _history(article, records):
    """Newest first; each approval links to what changed since the approval before it."""
    ordered = list(records)
    entries = []
    for index, record in enumerate(ordered):
        previous = ordered[index + 1] if index + 1 < len(ordered) else None
        changes_url = ""
        if previous is not None and previous.revision_id != record.revision_id:
            changes_url = stored_path(
                "articles:changes",
                slug=article.slug,
                old=previous.revision_number,
                new=record.revision_number,
            )
        entries.append(
            {
                "record": record,
                "revision_number": record.revision_number,
                "reviewers": record.reviewers,
                "unchanged": previous is not None and previous.revision_id == record.revision_id,
                "first": previous is None,
                "changes_url": changes_url,
            }
        )
    return entries


@functools.cache
def constant_path_in(script_prefix, name):
    """``constant_path`` under ``script_prefix`` (the current one)."""
    return reverse(name)


def constant_path(name):
    """``reverse(name)`` for a URL without arguments, reversed once per script prefix."""
    return constant_path_in(get_script_prefix(), name)


def board_url(slug=""):
    """The board list's address (reversed once per script prefix: a page names it for each
    reviewer), with a reviewer's anchor."""
    return constant_path("reviewers:board") + (f"#{slug}" if slug else "")


# Stands in for each argument while a URL is reversed once: digits, which every slug,
# int and str path converter accepts; one digit more per argument.
_PLACEHOLDER = "7301946285"
_PLAIN_VALUE = re.compile(r"[-a-zA-Z0-9_]+\Z")


@functools.cache
def _path_parts(name, arity, keys, script_prefix):
    """``reverse(name)`` split around its arguments: literal text at even positions, at odd
    ones the position (int) or name (str) of the argument that goes there."""
    marks = [f"{_PLACEHOLDER}{index}" for index in range(arity + len(keys))]
    named = dict(zip(keys, marks[arity:], strict=True))
    path = reverse(name, args=marks[:arity] or None, kwargs=named or None)
    parts = re.split(f"({'|'.join(marks)})", path)
    slots = [*range(arity), *keys]
    return [slots[marks.index(part)] if index % 2 else part for index, part in enumerate(parts)]


def stored_path(name, *args, **kwargs):
    """``reverse(name, args=args, kwargs=kwargs)`` for the slugs and numbers of stored rows
    (nothing in them needs quoting), without resolving the pattern each time: reversing
    cost a page about 30 µs a link. Any other value goes through ``reverse``."""
    return stored_path_in(get_script_prefix(), name, args, kwargs)


def stored_path_in(script_prefix, name, args, kwargs):
    """``stored_path`` under ``script_prefix`` (the current one)."""
    values = [*args, *kwargs.values()]
    if not all(type(value) is int or _PLAIN_VALUE.match(str(value)) for value in values):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    parts = _path_parts(name, len(args), tuple(kwargs), script_prefix)
    return "".join(
        part if index % 2 == 0 else str(args[part] if type(part) is int else kwargs[part])
        for index, part in enumerate(parts)
    )


def article_path(slug):
    """``reverse("articles:detail", kwargs={"slug": slug})`` for a stored article's slug:
    a page links up to five related questions."""
    return stored_path("articles:detail", slug=slug)


def absolute(path):
    return settings.SITE_URL + path


def _person_ld(name, orcid):
    person = {"@type": "Person", "name": name}
    if orcid:
        person["sameAs"] = orcid_url(orcid)  # self-reported: see articles.orcid
    return person


def _json_ld(context, *, author_names, author_orcids, answer_text):
    """schema.org ``MedicalWebPage``. ``lastReviewed`` and ``reviewedBy`` only for
    approved content outside previews: nothing else has been reviewed."""
    article, revision = context["article"], context["revision"]
    publisher = {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "publishingPrinciples": absolute(constant_path("editorial_policy")),
    }
    board = {
        "@type": "Organization",
        "name": f"{settings.SITE_NAME} Medical Advisory Board",
        "url": absolute(board_url()),
    }
    audiences = [{"@type": "MedicalAudience", "audienceType": "Clinician"}]
    if context["patient_available"]:
        audiences.append({"@type": "MedicalAudience", "audienceType": "Patient"})
    published = article.first_published_at or revision.locked_at or revision.created_at
    orcid_by_name = {person["name"]: person["orcid"] for person in author_orcids}
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": revision.title,
        "headline": revision.title,
        "description": context["meta_description"],
        "url": context["canonical_url"],
        "inLanguage": "en",
        "about": {"@type": "MedicalEntity", "name": article.topic.name},
        "mainEntity": {
            "@type": "Question",
            "name": revision.title,
            "acceptedAnswer": {"@type": "Answer", "text": answer_text},
        },
        # In the site's time zone, as the page shows them: the same instant, and the
        # same calendar day a reader sees under "Last updated".
        "datePublished": timezone.localtime(published).isoformat(),
        "dateModified": timezone.localtime(context["last_updated"]).isoformat(),
        "author": [_person_ld(name, orcid_by_name.get(name)) for name in author_names] or publisher,
        "publisher": publisher,
        "audience": audiences,
    }
    if context["literature_current_through"]:
        # schema.org has no "literature current through"; temporalCoverage (the period the
        # content covers) takes an ISO 8601 interval, here open at its start.
        data["temporalCoverage"] = f"../{context['literature_current_through'].isoformat()}"
    if context["state"] == PageState.APPROVED and not context["preview"]:
        if article.last_reviewed_at:
            data["lastReviewed"] = timezone.localdate(article.last_reviewed_at).isoformat()
        # Only people who approved: after a chair's override with no board approval,
        # nobody is named (DESIGN invariant 8), and the board is not claimed either.
        reviewed_by = [
            {
                "@type": "Person",
                "name": reviewer.get("name", ""),
                "honorificSuffix": reviewer.get("credentials", ""),
                "hasCredential": {
                    "@type": "EducationalOccupationalCredential",
                    "name": reviewer.get("credentials", ""),
                },
                "url": absolute(board_url(reviewer.get("slug", ""))),
                "memberOf": board,
                **({"sameAs": orcid_url(reviewer["orcid"])} if reviewer.get("orcid") else {}),
            }
            for reviewer in context["reviewers"]
        ]
        if reviewed_by:
            data["reviewedBy"] = reviewed_by
        elif not context["override"]:
            data["reviewedBy"] = board
    if context["notices"]:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{notice.get_kind_display()}: {notice.reason}",
                "datePublished": timezone.localtime(notice.issued_at).isoformat(),
            }
            for notice in context["notices"]
        ]
    return data


_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data, *, citations=None):
    """JSON safe to place inside ``<script>``: no ``<``, ``>`` or ``&`` can end it.
    (Three ``replace`` calls, not ``str.translate`` with a dict: that looked up every
    character of the ~10 KB script in Python, 0.5 ms a page.) ``citations``: the stored
    JSON of the revision's citations (``fragments``), added as the last member,
    ``citation``."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    if citations is not None:
        text = f'{text[:-1]}{", " if data else ""}"citation": {citations}}}'
    for char, escape in _JSON_SCRIPT_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text
