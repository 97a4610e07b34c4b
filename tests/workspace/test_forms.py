"""The editor's forms: what they accept, what they refuse, and that no input crashes them."""

import datetime

import pytest
from django.db import transaction
from django.http import QueryDict
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.services import article_create
from tests.factories import TopicFactory, UserFactory
from tests.workspace.support import editor_data, reference_row
from workspace.forms import (
    ArticleForm,
    ReferenceForm,
    reference_formset,
    with_another_reference,
)

pytestmark = pytest.mark.django_db


def article_form(author, topic, **overrides):
    data = editor_data(topic=topic, **overrides)
    return ArticleForm(data, user=author)


def reference_form(**overrides):
    row = {**reference_row(1), **overrides}
    return ReferenceForm({key: "" if v is None else str(v) for key, v in row.items()})


def test_the_article_form_needs_a_question_and_a_topic_only(author, topic):
    form = article_form(author, topic, summary="", body="", references=[])
    assert form.is_valid(), form.errors
    form = ArticleForm({"title": "", "topic": ""}, user=author)
    assert set(form.errors) == {"title", "topic"}


@pytest.mark.parametrize(
    "field, limit", [("title", 300), ("summary", 1200), ("body", 60000), ("patient_body", 30000)]
)
def test_oversized_content_is_refused_with_its_limit(author, topic, field, limit):
    form = article_form(author, topic, **{field: "x" * (limit + 1)})
    assert not form.is_valid()
    assert f"at most {limit:,} characters".replace(",", "") in form.errors[field][0].replace(
        ",", ""
    )


def test_crlf_from_browsers_is_stored_as_newlines(author, topic):
    form = article_form(author, topic, body="Line one [1].\r\n\r\nLine two [2].")
    assert form.is_valid()
    assert form.cleaned_data["body"] == "Line one [1].\n\nLine two [2]."


def test_null_characters_are_refused_not_sent_to_postgresql(author, topic):
    form = article_form(author, topic, body="bad \x00 byte")
    assert not form.is_valid()
    assert "body" in form.errors


def test_coauthors_by_username_or_email_members_of_authors_only(author, topic):
    from tests.factories import AuthorFactory

    ana = AuthorFactory(username="ana", email="ana@example.org")
    ben = AuthorFactory(username="ben", email="Ben@Example.org")
    UserFactory(username="outsider")  # not in Authors
    form = article_form(author, topic, coauthors="ANA, ben@example.org;author ana")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["coauthors"] == [ana, ben]
    assert form.authors() == [author, ana, ben]

    form = article_form(author, topic, coauthors="ana, outsider, nobody@example.org")
    assert form.errors["coauthors"] == [
        "No single author account has the username or email: outsider, nobody@example.org."
    ]


@pytest.mark.parametrize(
    "doi, stored",
    [
        ("https://doi.org/10.1056/NEJMoa2034577", "10.1056/NEJMoa2034577"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("", ""),
    ],
)
def test_reference_doi_is_stored_without_its_prefix(doi, stored):
    form = reference_form(doi=doi)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["doi"] == stored


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"doi": "10.1/" + "x" * 200}, "doi", "This DOI is too long."),
        ({"doi": "10.1/x\u0000"}, "doi", "Use a single line of text"),
        ({"pmid": "1" * 21}, "pmid", "at most 20 characters"),
        ({"url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"url": "ftp://example.org/x"}, "url", "starting with http:// or https://"),
        ({"year": "-3"}, "year", "Enter the year of publication, such as 2021."),
        ({"year": "40000"}, "year", "Enter the year of publication, such as 2021."),
        ({"year": "soon"}, "year", "Enter a whole number."),
        ({"position": "0"}, "position", "greater than or equal to 1"),
        ({"kind": "blog"}, "kind", "Select a valid choice."),
        ({"title": "t" * 501}, "title", "at most 500 characters"),
    ],
)
def test_malformed_reference_fields_are_refused(overrides, field, message):
    form = reference_form(**overrides)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize(
    "overrides, stored",
    [
        ({"doi": "10.12/x"}, ("doi", "10.12/x")),
        ({"doi": "not a doi"}, ("doi", "not a doi")),
        ({"pmid": "123456789"}, ("pmid", "123456789")),
        ({"pmid": "12ab"}, ("pmid", "12ab")),
        ({"year": "2999"}, ("year", 2999)),
        ({"year": "1700"}, ("year", 1700)),
    ],
)
def test_a_malformed_doi_pmid_or_year_is_kept_for_the_checklist(overrides, stored):
    """The draft keeps what the author typed; the checklist blocks submission."""
    form = reference_form(**overrides)
    assert form.is_valid(), form.errors
    assert form.cleaned_data[stored[0]] == stored[1]


def test_the_current_year_is_accepted():
    assert reference_form(year=str(datetime.date.today().year)).is_valid()


def test_pmid_prefix_is_stripped():
    form = reference_form(pmid="PMID: 31978945")
    assert form.is_valid() and form.cleaned_data["pmid"] == "31978945"


def formset_for(rows, **kwargs):
    data = QueryDict(mutable=True)
    data.update(editor_data(topic=TopicFactory(), references=rows, **kwargs))
    return reference_formset(data)


def test_duplicate_reference_numbers_are_a_formset_error():
    formset = formset_for([reference_row(1), reference_row(2), reference_row(2, title="Dup")])
    assert not formset.is_valid()
    assert formset.non_form_errors() == [
        "Two references have the number 2: give each its own number."
    ]


def test_empty_slots_and_removed_references_are_skipped_and_the_rest_sorted():
    rows = [
        reference_row(3),
        {"position": 9, "kind": ""},  # an untouched slot
        reference_row(1),
        {**reference_row(2, title=""), "DELETE": "on"},  # removed, even though invalid
        reference_row(2),
    ]
    formset = formset_for(rows)
    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    assert [row["position"] for row in formset.references()] == [1, 2, 3]


def test_a_reference_with_content_but_no_title_is_an_error():
    formset = formset_for([reference_row(1, title="")])
    assert not formset.is_valid()
    assert formset.errors[0]["title"] == ["This field is required."]


@pytest.mark.parametrize("total", ["1000000", "many", ""])
def test_a_tampered_management_form_is_an_error_not_a_crash(total):
    formset = formset_for([reference_row(1)], total=total)
    assert not formset.is_valid()
    assert formset.non_form_errors()


def test_a_negative_form_count_reads_as_no_forms():
    formset = formset_for([reference_row(1)], total="-1")
    assert formset.is_valid() and formset.references() == []


def test_more_than_a_hundred_references_are_refused():
    formset = formset_for([reference_row(n) for n in range(1, 102)])
    assert not formset.is_valid()


def test_add_another_reference_offers_the_next_number():
    data = QueryDict(mutable=True)
    data.update(editor_data(topic=TopicFactory(), references=[reference_row(1), reference_row(4)]))
    more = with_another_reference(data)
    assert more["refs-TOTAL_FORMS"] == "3"
    assert more["refs-2-position"] == "5"
    formset = reference_formset(more)
    assert len(formset.forms) == 3
    assert formset.is_valid() and len(formset.references()) == 2


def test_a_new_article_offers_three_numbered_slots():
    formset = reference_formset()
    assert [form["position"].value() for form in formset.forms] == [1, 2, 3]


# Property-based: whatever a client posts, the forms answer with errors or clean data,
# and clean data saves.

text = st.text(max_size=60) | st.sampled_from(
    ["<script>alert(1)</script>", "\x00", "10.1000/x", "https://doi.org/10.1000/x", "2020"]
)
# Mostly plausible values, so that valid input (which must save) is common, with the
# hostile ones mixed in.
words = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
reference_values = st.fixed_dictionaries(
    {
        "position": st.one_of(st.integers(1, 8).map(str), st.integers(-3, 150).map(str), text),
        "kind": st.sampled_from(["guideline", "research", "review", "", "blog"]),
        "title": st.one_of(words, text),
        "source": st.one_of(words, text),
        "year": st.one_of(st.integers(1800, 2025).map(str), st.integers(-5, 10**11).map(str), text),
        "doi": st.one_of(st.just(""), st.just("doi:10.1000/ab"), text),
        "pmid": st.one_of(st.just(""), st.integers(0, 10**10).map(str), text),
        "url": st.one_of(st.just(""), st.just("https://example.org/a"), text),
        "DELETE": st.sampled_from(["", "", "on"]),
    }
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=st.one_of(words, text),
    summary=st.one_of(words, text),
    body=st.one_of(words, text),
    coauthors=st.one_of(st.just(""), text),
    topic_value=st.sampled_from(["valid", "valid", "valid", "", "0", "abc", "9" * 20]),
    rows=st.lists(reference_values, max_size=4),
    total=st.one_of(st.none(), st.none(), st.integers(-2, 200).map(str), text),
)
def test_no_editor_input_crashes_and_valid_input_saves(
    author, title, summary, body, coauthors, topic_value, rows, total
):
    topic = TopicFactory(slug="property-topic")
    data = QueryDict(mutable=True)
    data.update(
        editor_data(
            topic=topic,
            title=title,
            summary=summary,
            body=body,
            coauthors=coauthors,
            references=rows,
            total=total,
        )
    )
    data["topic"] = str(topic.pk) if topic_value == "valid" else topic_value
    form, formset = ArticleForm(data, user=author), reference_formset(data)
    with_another_reference(data)
    valid = form.is_valid() and formset.is_valid()
    event(f"valid={valid}")
    if valid:
        with transaction.atomic():
            article, revision = article_create(
                created_by=author,
                topic=form.cleaned_data["topic"],
                authors=form.authors(),
                references=formset.references(),
                **form.content(),
            )
            assert revision.title == form.cleaned_data["title"]
            assert revision.references.count() == len(formset.references())
            transaction.set_rollback(True)
    assert not Article.objects.exists()
