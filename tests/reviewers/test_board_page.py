"""The public board page /board/ (issue 3): active members with their credentials, their
specialties and bio, each with an anchor that "Reviewed by" links point to."""

import pytest
from django.urls import reverse

from tests.factories import BoardMemberFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_the_board_page_lists_active_members_with_credentials_and_bios(client):
    cardiology = TopicFactory(name="Cardiology", slug="cardiology")
    BoardMemberFactory(
        display_name="Dr. Iris Mendel",
        slug="dr-iris-mendel",
        credentials="MD, FACC",
        bio="Cardiologist at a teaching hospital.",
        specialties=[cardiology],
    )
    BoardMemberFactory(display_name="Dr. Gone Away", slug="dr-gone-away", is_active=False)

    response = client.get(reverse("reviewers:board"))

    assert response.status_code == 200
    html = response.text
    assert '<li id="dr-iris-mendel">' in html
    assert "<h2>Dr. Iris Mendel</h2>" in html
    assert '<p class="credentials">MD, FACC</p>' in html
    assert "Cardiologist at a teaching hospital." in html
    assert (
        '<p class="meta specialties">Reviews articles on: '
        '<a class="topic-tag" href="/?topic=cardiology">Cardiology</a></p>'
    ) in html
    assert "Dr. Gone Away" not in html


def test_headings_name_the_person_and_specialties_use_the_topic_names(client):
    """Issue 10: a heading read "…, Hematology and Internal Medicine" above the tags
    "Hematology · Endocrinology". The heading is the name; the specialties are named once,
    as the topics articles are filed under, in the member's tags."""
    hematology = TopicFactory(name="Hematology", slug="hematology")
    endocrinology = TopicFactory(name="Endocrinology", slug="endocrinology")
    BoardMemberFactory(
        display_name="Dr. Tomás Ferreira",
        slug="dr-tomas-ferreira",
        credentials="MD, PhD, Hematology",
        specialties=[hematology, endocrinology],
    )
    html = client.get(reverse("reviewers:board")).text
    assert "<h2>Dr. Tomás Ferreira</h2>" in html
    tags = html[html.index('class="meta specialties"') :]
    assert '<a class="topic-tag" href="/?topic=endocrinology">Endocrinology</a>' in tags
    assert '<a class="topic-tag" href="/?topic=hematology">Hematology</a>' in tags


def test_the_board_list_is_cached_and_dropped_when_a_member_or_a_specialty_changes(
    client, settings, django_assert_num_queries
):
    """Issue 12: /board/ is a shared fragment of the reader cache. A second request reads
    no member rows; renaming a member, changing their specialties or renaming a topic
    they cover shows on the next request."""
    from articles import page_cache

    settings.READER_CACHE_CHECK_SECONDS = 600
    cardiology = TopicFactory(name="Cardiology", slug="cardiology")
    member = BoardMemberFactory(
        display_name="Dr. Iris Mendel", slug="dr-iris-mendel", specialties=[cardiology]
    )
    page_cache.reset()
    assert page_cache.refresh()  # this process has seen the changes made above
    url = reverse("reviewers:board")
    assert "Dr. Iris Mendel" in client.get(url).text
    with django_assert_num_queries(0):
        assert "Dr. Iris Mendel" in client.get(url).text

    member.display_name = "Dr. Iris Mendel-Park"
    member.save()
    assert "Dr. Iris Mendel-Park" in client.get(url).text

    member.specialties.add(TopicFactory(name="Neurology", slug="neurology"))
    assert "Neurology" in client.get(url).text

    cardiology.name = "Heart medicine"
    cardiology.save()
    assert "Heart medicine" in client.get(url).text
