"""Finding 4 of issue 13: a control character or a line break in a one-line field (the
question, a reference's title or source) is a clear form error and stores nothing; text is
stored in Unicode NFC; text-direction overrides are refused in titles."""

import unicodedata

import pytest
from django.urls import reverse

from articles.models import Article, Reference
from articles.text import BIDI_MESSAGE, SINGLE_LINE_MESSAGE
from tests.workspace.support import editor_data, reference_row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "title", ["Is B12 \x01 safe?", "Is B12\nsafe?", "Is B12\r\nsafe?", "B12\x00?", "B12\u2028?"]
)
def test_a_question_with_a_control_character_or_line_break_is_refused(signed_in, topic, title):
    response = signed_in.post(reverse("author:new"), editor_data(topic=topic, title=title))
    assert response.status_code == 400
    assert SINGLE_LINE_MESSAGE in response.context["form"].errors["title"]
    assert not Article.objects.exists()


def test_a_question_with_a_text_direction_override_is_refused(signed_in, topic):
    data = editor_data(topic=topic, title="Is B12 \u202esafe?")
    response = signed_in.post(reverse("author:new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["title"] == [BIDI_MESSAGE]
    assert not Article.objects.exists()


@pytest.mark.parametrize("field", ["title", "source"])
def test_a_reference_title_or_source_with_a_line_break_is_refused(signed_in, topic, field):
    data = editor_data(topic=topic, references=[reference_row(1, **{field: "Line one\nline two"})])
    response = signed_in.post(reverse("author:new"), data)
    assert response.status_code == 400
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    assert not Article.objects.exists() and not Reference.objects.exists()


def test_a_body_keeps_its_line_breaks_but_not_other_control_characters(signed_in, topic):
    refused = signed_in.post(
        reverse("author:new"), editor_data(topic=topic, body="Para one [1].\x0b\n\nTwo.")
    )
    assert refused.status_code == 400
    assert "control characters" in refused.context["form"].errors["body"][0]
    accepted = signed_in.post(
        reverse("author:new"), editor_data(topic=topic, body="Para one [1].\n\n\tTwo.")
    )
    assert accepted.status_code == 302


def test_text_is_stored_in_nfc(signed_in, topic):
    decomposed = unicodedata.normalize("NFD", "Café au lait: safe?")
    summary = unicodedata.normalize("NFD", "Né [1].")
    data = editor_data(
        topic=topic,
        title=decomposed,
        summary=summary,
        references=[reference_row(1, source=unicodedata.normalize("NFD", "Société"))],
    )
    assert signed_in.post(reverse("author:new"), data).status_code == 302
    revision = Article.objects.get().revisions.get()
    assert revision.title == "Café au lait: safe?" and revision.summary == "Né [1]."
    assert Reference.objects.get().source == "Société"


def test_a_topic_name_with_a_line_break_is_refused_in_the_admin(admin_client):
    from articles.models import Topic

    response = admin_client.post(
        "/admin/articles/topic/add/",
        {"name": "Sleep\nBcc: x", "slug": "sleep", "re_review_months": ""},
    )
    assert response.status_code == 200
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    assert not Topic.objects.filter(slug="sleep").exists()
