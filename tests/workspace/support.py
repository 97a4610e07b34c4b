"""What the author-workspace tests share: the editor's POST data, and articles brought to
each workflow state through the real services."""

from django.urls import reverse

from editorial import services
from tests.factories import TEST_PASSWORD, ReferenceFactory, RevisionFactory


def reference_row(position, **overrides):
    return {
        "position": position,
        "kind": "research",
        "title": f"Study {position}",
        "source": "Journal of Examples",
        "year": 2021,
        "doi": f"10.1000/study{position}",
        "pmid": "",
        "url": "",
        **overrides,
    }


def editor_data(
    *,
    topic,
    title="Can B12 deficiency cause restless legs?",
    summary="Sometimes; iron deficiency is the commoner cause [1].",
    body="B12 deficiency is linked with restless legs [1]. Iron matters more [2].",
    patient_body="",
    patient_summary="",
    patient_safety_note="",
    slug="",
    related=(),
    coauthors="",
    references=None,
    action="save",
    total=None,
):
    """The editor's form as a browser posts it (every value a string)."""
    references = [reference_row(1), reference_row(2)] if references is None else references
    data = {
        "action": action,
        "title": title,
        "summary": summary,
        "body": body,
        "patient_body": patient_body,
        "patient_summary": patient_summary,
        "patient_safety_note": patient_safety_note,
        "slug": slug,
        "related": [str(article.pk) for article in related],
        "topic": str(topic.pk),
        "coauthors": coauthors,
        "refs-TOTAL_FORMS": str(len(references) if total is None else total),
        "refs-INITIAL_FORMS": "0",
        "refs-MIN_NUM_FORMS": "0",
        "refs-MAX_NUM_FORMS": "100",
    }
    for index, row in enumerate(references):
        for name, value in row.items():
            data[f"refs-{index}-{name}"] = "" if value is None else str(value)
    return data


def url(name, article):
    return reverse(f"author:{name}", kwargs={"pk": article.pk})


def cited_draft(article, *, number=1, references=2):
    """A draft that passes the checklist: every reference cited once."""
    cites = " ".join(f"Finding [{n}]." for n in range(1, references + 1))
    revision = RevisionFactory(
        article=article,
        number=number,
        summary="Yes, in most cases [1].",
        body=cites,
    )
    for position in range(1, references + 1):
        ReferenceFactory(revision=revision, position=position, title=f"Source {position}")
    return revision


def request_changes(submission, chair, comment):
    """Start the review of ``submission`` and send it back with ``comment``."""
    under_review = services.submission_start_review(submission=submission, actor=chair)
    return services.submission_request_changes(
        submission=under_review, actor=chair, comment=comment, password=TEST_PASSWORD
    )


def html(response):
    return response.content.decode()


def flash(response):
    """The messages the page shows, as text."""
    return [str(message) for message in response.context["messages"]]
