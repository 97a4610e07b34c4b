"""ORCID iDs (issue 15): format and ISO 7064 MOD 11-2 check digit validated; shown,
labelled self-reported, on /board/ and the article page; ``sameAs`` in the JSON-LD."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import AuthorProfile
from articles.orcid import check_character, normalize_orcid, validate_orcid
from reviewers.models import BoardMember
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.articles.test_reader_article import json_ld, page
from tests.factories import BoardMemberFactory


@pytest.mark.parametrize(
    "orcid",
    [
        "0000-0002-1825-0097",  # ORCID's own documentation example
        "0000-0001-5109-3700",
        "0000-0002-1694-233X",  # check digit X (ten)
        "https://orcid.org/0000-0002-1825-0097",  # the URL form is accepted
        "0000-0002-1694-233x",  # lower-case x is normalized
    ],
)
def test_valid_orcid_ids_pass(orcid):
    validate_orcid(orcid)


@pytest.mark.parametrize(
    ("orcid", "code"),
    [
        ("0000-0002-1825-0098", "orcid_checksum"),  # wrong check digit
        ("0000-0002-1694-2330", "orcid_checksum"),  # should be X
        ("0000-0002-1825-009", "orcid_format"),  # too short
        ("0000-0002-1825-00977", "orcid_format"),  # too long
        ("0000000218250097", "orcid_format"),  # no hyphens
        ("0000-0002-1825-X097", "orcid_format"),  # X only last
        ("", "orcid_format"),
    ],
)
def test_invalid_orcid_ids_are_refused_with_the_reason(orcid, code):
    with pytest.raises(ValidationError) as caught:
        validate_orcid(orcid)
    assert caught.value.code == code


def test_check_character_by_hand():
    # 0,0,0,0,0,0,0,2,1,8,2,5,0,0,9: total runs to 1314 → 1314 % 11 = 5 → (12 - 5) % 11 = 7
    assert check_character("000000021825009") == "7"
    assert check_character("000000021694233") == "X"


def test_the_model_field_normalizes_and_validates(db):
    member = BoardMemberFactory(orcid="https://orcid.org/0000-0002-1694-233x")
    member.full_clean()
    assert member.orcid == "0000-0002-1694-233X"
    member.orcid = "0000-0002-1825-0098"
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert "check digit" in str(caught.value)
    assert normalize_orcid(" orcid.org/0000-0002-1825-0097 ") == "0000-0002-1825-0097"


def test_the_board_page_shows_orcid_ids_labelled_self_reported(client, db):
    BoardMemberFactory(display_name="Dr. Iris Mendel", slug="iris", orcid="0000-0002-1825-0097")
    BoardMemberFactory(display_name="Dr. No Id", slug="no-id")
    html = client.get(reverse("reviewers:board")).text
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in html
    assert "(self-reported)" in html
    assert html.count("ORCID iD") == 1


def test_the_article_page_shows_and_emits_orcid_ids_as_same_as(client, author):
    cache.clear()
    author.first_name, author.last_name = "Maya", "Lindqvist"
    author.save()
    AuthorProfile.objects.create(user=author, orcid="0000-0001-5109-3700")
    article, revision = b12_article(author=author)
    reviewers = make_reviewers(2, tag="orcid")
    BoardMember.objects.filter(pk=reviewers[0].pk).update(orcid="0000-0002-1825-0097")
    reviewers[0].refresh_from_db()
    at = timezone.make_aware(datetime.datetime(2026, 1, 8, 10, 0))
    lock_and_publish(revision, reviewers=reviewers, approved_at=at)

    _, html = page(client, article)

    assert "Authors' ORCID iDs (self-reported)" in html
    assert "https://orcid.org/0000-0001-5109-3700" in html
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in html
    data = json_ld(html)
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Maya Lindqvist",
            "sameAs": "https://orcid.org/0000-0001-5109-3700",
        }
    ]
    same_as = [person.get("sameAs") for person in data["reviewedBy"]]
    assert same_as == ["https://orcid.org/0000-0002-1825-0097", None]


def test_an_author_records_their_orcid_id_in_the_workspace(client, author):
    client.force_login(author)
    url = reverse("author:profile")
    assert "My ORCID iD" in client.get(reverse("author:dashboard")).text
    assert client.get(url).status_code == 200

    response = client.post(url, {"orcid": "https://orcid.org/0000-0002-1694-233x"})

    assert response.status_code == 302
    assert AuthorProfile.objects.get(user=author).orcid == "0000-0002-1694-233X"


def test_a_wrong_check_digit_is_a_form_error_and_changes_nothing(client, author):
    AuthorProfile.objects.create(user=author, orcid="0000-0002-1825-0097")
    client.force_login(author)

    response = client.post(reverse("author:profile"), {"orcid": "0000-0002-1825-0098"})

    assert response.status_code == 400
    assert "does not match its check digit" in response.text
    assert AuthorProfile.objects.get(user=author).orcid == "0000-0002-1825-0097"
