"""Hostile and malformed input to the author's editor: stored as text, shown escaped,
and every POST answered with the one right status, never a server error."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Reference, Revision
from articles.text import nfc, validate_multiline, validate_title
from editorial.models import Submission
from tests.workspace.support import editor_data, html, reference_row, request_changes, url

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


# Hostile input.


def test_html_and_script_in_every_field_are_stored_as_text_and_shown_escaped(
    signed_in, topic, chair
):
    data = editor_data(
        topic=topic,
        title=f"Q {SCRIPT}?",
        summary=f"S {SCRIPT} [1].",
        body=f"B {SCRIPT} <img src=x onerror=alert(1)> [1].",
        patient_body=f"P {SCRIPT}.",
        patient_summary=f"PS {SCRIPT}.",
        patient_safety_note=f"PN {SCRIPT}.",
        references=[reference_row(1, title=f"T {SCRIPT}", source=f"J {SCRIPT}")],
    )
    assert signed_in.post(reverse("author:new"), data).status_code == 302
    article = Article.objects.get()
    revision = article.revisions.get()
    assert revision.title == f"Q {SCRIPT}?" and SCRIPT in revision.body
    assert Reference.objects.get().title == f"T {SCRIPT}"
    signed_in.post(url("submit", article), {"note": f"N {SCRIPT}"})
    request_changes(Submission.objects.get(), chair, comment=f"C {SCRIPT}")
    signed_in.post(url("edit", article), {**data, "body": f"B2 {SCRIPT} [1]."})
    for name in ("dashboard", "detail", "edit", "preview", "diff"):
        target = reverse("author:dashboard") if name == "dashboard" else url(name, article)
        response = signed_in.get(target)
        assert response.status_code == 200, name
        page = html(response)
        assert SCRIPT not in page, name
        assert "<img src=x onerror" not in page, name


def test_a_request_body_too_large_is_a_400_not_a_500(signed_in, topic, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = signed_in.post(reverse("author:new"), editor_data(topic=topic, body="x" * 20_000))
    assert response.status_code == 400
    assert not Article.objects.exists()


EDITOR_FIELDS = [
    "title",
    "summary",
    "body",
    "topic",
    "coauthors",
    "refs-TOTAL_FORMS",
    "refs-INITIAL_FORMS",
    "refs-0-position",
    "refs-0-year",
    "refs-0-doi",
    "refs-0-url",
    "refs-1-position",
    "refs-1-title",
    "refs-1-DELETE",
]
garbage_value = st.text(max_size=30) | st.sampled_from(["save", "add_reference", "1", "2", "-1"])
# Text a browser can send in a field: any UTF-8 (no lone surrogates) but NUL, which no
# text field accepts.
field_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


def _accepted(validator):
    def check(value):
        try:
            validator(value)
        except ValidationError:
            return False
        return True

    return check


# Text the editor accepts: a question is one line without text-direction overrides; a
# body may hold line breaks and tabs but no other control characters.
title_text = field_text.filter(_accepted(validate_title))
body_text = field_text.filter(_accepted(validate_multiline))
POSTED_PROPERTIES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def saved_state():
    """Everything an editor POST could change."""
    return (
        list(Article.objects.order_by("pk").values_list("pk", "topic_id")),
        list(Revision.objects.order_by("pk").values_list("pk", "title", "summary", "body")),
        list(Reference.objects.order_by("pk").values_list("pk", "revision_id", "title")),
    )


def editor_targets(article):
    return (reverse("author:new"), url("edit", article))


@POSTED_PROPERTIES
@given(
    fields=st.dictionaries(st.sampled_from(EDITOR_FIELDS), garbage_value),
    action=garbage_value.filter(lambda action: action != "add_reference"),
    title=st.sampled_from([None, "", " \t\r\n"]),
)
def test_an_editor_post_without_a_question_is_a_400_and_saves_nothing(
    signed_in, article, draft, fields, action, title
):
    """Whatever else is posted, broken or not, a save with no question is refused."""
    fields = {key: value for key, value in fields.items() if key != "title"}
    fields["action"] = action
    if title is not None:
        fields["title"] = title
    before = saved_state()
    for target in editor_targets(article):
        response = signed_in.post(target, fields)
        assert response.status_code == 400, (target, fields)
        assert response.context["form"].errors["title"] == ["This field is required."]
    assert saved_state() == before


@POSTED_PROPERTIES
@given(fields=st.dictionaries(st.sampled_from(EDITOR_FIELDS), garbage_value))
def test_adding_a_reference_slot_is_a_200_and_saves_nothing(signed_in, article, draft, fields):
    """ "Add a reference" redraws the editor with what was posted, however broken."""
    fields = {**fields, "action": "add_reference"}
    before = saved_state()
    for target in editor_targets(article):
        response = signed_in.post(target, fields)
        assert response.status_code == 200, (target, fields)
        assert "formset" in response.context
    assert saved_state() == before


@settings(POSTED_PROPERTIES, max_examples=20)
@given(
    title=title_text.filter(str.strip),
    summary=body_text,
    body=body_text,
)
def test_a_complete_editor_form_is_saved_whatever_its_text(
    signed_in, article, draft, title, summary, body
):
    """The checklist, not the form, judges the content: any question with words in it,
    and any summary and body, is saved as a draft."""
    data = editor_data(topic=article.topic, title=title, summary=summary, body=body)
    articles_before = Article.objects.count()
    created = signed_in.post(reverse("author:new"), data)
    new_article = Article.objects.latest("pk")
    assert Article.objects.count() == articles_before + 1
    edited = signed_in.post(url("edit", article), data)
    for response, saved in ((created, new_article), (edited, article)):
        assert (response.status_code, response.url) == (302, url("edit", saved) + "#checklist")
        revision = saved.revisions.order_by("-number").first()
        assert revision.title == nfc(title.strip())
        assert revision.references.count() == 2
