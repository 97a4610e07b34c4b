"""The board view at scale (issue 12): 20 cards a page, oldest first, with page links that
work without JavaScript; filters a chair uses, done in SQL; the figures at the top counted
over every open submission, not the page; and on each card the best few suggestions with a
link to the submission's candidates page, which lists every one."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import (
    Assignment,
    AssignmentState,
    Decision,
    DecisionOutcome,
    SubmissionState,
)
from tests.factories import (
    AssignmentFactory,
    BoardMemberFactory,
    SubmissionFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BOARD = reverse("admin:editorial_board")


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def cards(response):
    return [item.submission for item in response.context["items"]]


@pytest.fixture
def open_submissions(db):
    """25 submissions under review, submitted one day apart (the first is the oldest), each
    with two accepted reviews due in the future: none needs reviewers or is overdue."""
    topic = TopicFactory()
    reviewers = [BoardMemberFactory(specialties=[topic], max_open_assignments=50) for _ in "ab"]
    now = timezone.now()
    submissions = []
    for number in range(25):
        submission = SubmissionFactory(
            state=SubmissionState.UNDER_REVIEW,
            revision__article__topic=topic,
            revision__title=f"Question {number:02}?",
            submitted_at=now - datetime.timedelta(days=30 - number),
        )
        for reviewer in reviewers:
            AssignmentFactory(
                submission=submission,
                reviewer=reviewer,
                state=AssignmentState.ACCEPTED,
                responded_at=now,
                review_due=timezone.localdate() + datetime.timedelta(days=10),
            )
        submissions.append(submission)
    return submissions


def test_the_board_shows_20_cards_a_page_oldest_first_with_page_links(
    client, chair, open_submissions
):
    client.force_login(chair)

    first = client.get(BOARD)
    second = client.get(BOARD, {"page": "2"})

    assert cards(first) == open_submissions[:20]
    assert cards(second) == open_submissions[20:]
    assert "Question 20?" not in first.text and "Question 20?" in second.text
    words = text(first.text)
    assert "All open: 1–20 of 25, oldest first · page 1 of 2." in words
    assert "All open: 21–25 of 25, oldest first · page 2 of 2." in text(second.text)
    pages = first.text[first.text.index('<nav class="board-pages"') :]
    assert f'href="{BOARD}?page=2" rel="next"' in pages
    assert f'<a href="{BOARD}" aria-current="page">' in pages
    assert f'href="{BOARD}" rel="prev"' in second.text


def test_a_page_out_of_range_or_not_a_number_is_a_page_never_an_error(
    client, chair, open_submissions
):
    """Not a number: the first page. Past the end (say, after the chair cleared the last
    card of the last page): the last page."""
    client.force_login(chair)
    for page in ["abc", "", "1.5", "-1", "0", "999", "2" * 30]:
        response = client.get(BOARD, {"page": page})
        assert response.status_code == 200, page
        expected = open_submissions[:20] if page in ("abc", "", "1.5") else open_submissions[20:]
        assert cards(response) == expected, page


def test_the_figures_count_every_open_submission_not_the_page(client, chair, open_submissions):
    """The overdue reviews, the submissions that need a reviewer and the rejection to
    confirm are all on page 2; page 1 counts them."""
    late, short, rejected = open_submissions[21:24]
    Assignment.objects.filter(submission=late).update(
        review_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    Assignment.objects.filter(submission=short).first().delete()
    completed = Assignment.objects.filter(submission=rejected).first()
    Assignment.objects.filter(pk=completed.pk).update(
        state=AssignmentState.COMPLETED, completed_at=timezone.now()
    )
    Decision.objects.create(
        assignment=completed,
        submission=rejected,
        revision=rejected.revision,
        outcome=DecisionOutcome.REJECT,
        comment="Unsupported.",
        confirmed_no_conflict=True,
    )
    client.force_login(chair)

    response = client.get(BOARD)

    assert late not in cards(response) and short not in cards(response)
    words = text(response.text)
    assert "25 open" in words
    assert "2 need reviewers" in words, "short, and rejected with one reviewer left"
    assert "2 overdue reviews" in words
    assert "1 rejection to confirm" in words
    assert "48 open reviews (48 accepted, 0 escalated to you)" in words


FILTERS = [
    ("needs-reviewers", [3, 22]),
    ("overdue", [5, 21]),
    ("awaiting-chair", []),
    ("all", list(range(20))),
    ("nonsense", list(range(20))),
]


def test_each_filter_shows_the_submissions_it_names_counted_in_its_link(
    client, chair, open_submissions
):
    for number in (3, 22):  # one reviewer withdrawn: one more reviewer needed
        Assignment.objects.filter(submission=open_submissions[number]).first().delete()
    for number in (5, 21):
        Assignment.objects.filter(submission=open_submissions[number]).update(
            review_due=timezone.localdate() - datetime.timedelta(days=1)
        )
    client.force_login(chair)

    for show, expected in FILTERS:
        response = client.get(BOARD, {"show": show})

        assert response.status_code == 200
        assert cards(response) == [open_submissions[n] for n in expected], show
        filters = response.text[response.text.index('<nav class="board-filters"') :]
        filters = filters[: filters.index("</nav>")]
        current = re.search(r'<a href="([^"]*)" aria-current="page">([^<]*)</a>', filters)
        if show in ("all", "nonsense"):
            assert current.groups() == (BOARD, "25 open")
        elif show == "overdue":  # the link counts the reviews; the cards, their submissions
            assert current.groups() == (f"{BOARD}?show=overdue", "4 overdue reviews")
            assert "With overdue reviews: 1–2 of 2, oldest first." in text(response.text)
        else:
            assert current.group(1) == f"{BOARD}?show={show}"
            assert current.group(2).startswith(str(len(expected))), show
    assert (
        "No rejection by a reviewer waits for you to confirm it."
        in client.get(BOARD, {"show": "awaiting-chair"}).text
    )


def test_paging_keeps_the_filter(client, chair, open_submissions):
    for submission in open_submissions:
        Assignment.objects.filter(submission=submission).first().delete()
    client.force_login(chair)

    response = client.get(BOARD, {"show": "needs-reviewers", "page": "2"})

    assert cards(response) == open_submissions[20:]
    assert f'href="{BOARD}?show=needs-reviewers" rel="prev"' in response.text


@pytest.fixture
def eight_candidates(submitted, members):
    """Five more specialists of the submitted article's topic: eight eligible in all."""
    topic = submitted.article.topic
    return members + [
        BoardMemberFactory(display_name=f"Dr. Extra {n}", specialties=[topic]) for n in range(5)
    ]


def test_a_card_shows_the_best_five_suggestions_and_links_to_every_candidate(
    client, chair, submitted, eight_candidates
):
    client.force_login(chair)

    response = client.get(BOARD)

    item = response.context["items"][0]
    assert (len(item.suggestions), item.eligible_count) == (5, 8)
    assert response.text.count('name="reviewer" value=') == 5
    candidates = reverse("admin:editorial_submission_candidates", args=[submitted.pk])
    assert f'href="{candidates}?next=' in response.text
    assert "The best 5 of 8 eligible." in text(response.text)
    assert "Not suggested (1)" in response.text, "the chair, with the reason, as before"


def test_the_candidates_page_lists_every_candidate_and_who_is_left_out(
    client, chair, submitted, eight_candidates, author
):
    BoardMemberFactory(user=author, display_name="Dr. Maya Writer", specialties=[])
    client.force_login(chair)
    back = f"{BOARD}?page=2#submission-{submitted.pk}"

    page = client.get(
        reverse("admin:editorial_submission_candidates", args=[submitted.pk]), {"next": back}
    )

    assert page.status_code == 200
    assert page.text.count('name="reviewer" value=') == 8
    words = text(page.text)
    topic = submitted.article.topic.name
    assert f"Specialty: {topic} · 0 of 5 open reviews" in words
    assert all(member.display_name in words for member in eight_candidates)
    assert "Every eligible reviewer, best first (8)" in words
    assert "Dr. Chair chairs the board" in words
    assert "Dr. Maya Writer is an author of this article." in words
    assert f'name="next" value="{back}"' in page.text

    assigned = client.post(
        reverse("admin:editorial_submission_assign", args=[submitted.pk]),
        {"reviewer": eight_candidates[4].pk, "next": back},
    )
    assert assigned.status_code == 302 and assigned.url == back
    assert Assignment.objects.get(submission=submitted).reviewer == eight_candidates[4]


def test_the_candidates_page_is_the_chairs_and_says_when_a_submission_is_closed(
    client, chair, withdrawn, members
):
    url = reverse("admin:editorial_submission_candidates", args=[withdrawn.pk])
    reviewer = UserFactory(username="someone", is_staff=True)
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(chair)
    page = client.get(url)
    assert page.status_code == 200
    assert "This submission is withdrawn: it takes no new reviewers." in page.text
    assert 'name="reviewer"' not in page.text
    missing = reverse("admin:editorial_submission_candidates", args=[withdrawn.pk + 1000])
    assert client.get(missing).status_code == 404


def test_a_card_that_needs_no_reviewer_links_to_the_candidates_page_to_reassign(
    client, chair, accepted, members
):
    """Only the cards that need reviewers rank the board; reassigning an open review is
    done from the candidates page, among every eligible member."""
    second = AssignmentFactory(submission=accepted.submission, reviewer=members[1])
    client.force_login(chair)
    board = client.get(BOARD)
    item = board.context["items"][0]
    assert (item.needed, item.ranked) == (0, False)
    assert "Choose among every candidate" in board.text
    assert 'name="reviewer"' not in board.text

    page = client.get(item.candidates_url)

    reassign = reverse("admin:editorial_assignment_reassign", args=[second.pk])
    form = page.text[page.text.index(f'action="{reassign}"') :]
    form = form[: form.index("</form>")]
    assert re.findall(r'<option value="(\d+)">', form) == [str(members[2].pk)]
    assert f'name="next" value="{BOARD}#submission-{accepted.submission_id}"' in form
