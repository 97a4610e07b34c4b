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
    assert "Dr. Iris Mendel, MD, FACC" in html
    assert "Cardiologist at a teaching hospital." in html
    assert '<p class="meta">Cardiology</p>' in html
    assert "Dr. Gone Away" not in html
