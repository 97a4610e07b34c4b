"""The board view's cards are rendered by a Jinja2 template (issue 12: in Django's template
language they were a third of the ranked pages' time). They must be what the Django
template gave, character for character (board_cards_reference.html beside this file, with
the partials it includes), and escape whatever authors and reviewers type."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import Assignment, DecisionOutcome
from editorial.views.board import CARD_CONTEXT
from tests.factories import (
    TEST_PASSWORD,
    ArticleFactory,
    AuthorFactory,
    BoardMemberFactory,
    ReferenceFactory,
    RevisionFactory,
)

pytestmark = pytest.mark.django_db

BOARD = reverse("admin:editorial_board")
HOSTILE_TITLE = """<script>alert("title")</script> & 'more'?"""
HOSTILE_NAME = """Dr. <b onmouseover="x()">Evil</b> O'Neil"""
HOSTILE_COMMENT = """<img src=x onerror=alert(1)> "rejected" & 'why'"""


def submit(title, *, topic, authors):
    article = ArticleFactory(topic=topic, authors=authors)
    revision = RevisionFactory(article=article, number=1, title=title)
    ReferenceFactory(revision=revision, position=1)
    return services.submission_submit(article=article, revision=revision, actor=authors[0])


def decide(assignment, outcome, comment=""):
    services.assignment_accept(assignment=assignment, actor=assignment.reviewer.user)
    services.assignment_decide(
        assignment=assignment,
        actor=assignment.reviewer.user,
        outcome=outcome,
        comment=comment,
        password=TEST_PASSWORD,
        confirmed_no_conflict=True,
    )


@pytest.fixture
def busy_board(chair, submitted, members, author):
    """Four open submissions: ``submitted`` with no reviewers (it ranks the board: three
    suggestions, the chair and an author left out); one with a hostile title and two
    authors, reviewed by a member with a hostile name (an approval, signed), another
    accepted and one invited, overdue and escalated; one with a signed rejection to
    confirm (a hostile comment) and a declined invitation; one resubmitted with two
    open reviews."""
    BoardMemberFactory(user=author, display_name="Dr. Maya Writer", specialties=[])
    topic = submitted.article.topic
    evil = BoardMemberFactory(display_name=HOSTILE_NAME, credentials="", specialties=[topic])
    nameless = AuthorFactory(username="nameless", first_name="", last_name="")
    hostile = submit(HOSTILE_TITLE, topic=topic, authors=[author, nameless])
    approving = services.assignment_create(submission=hostile, reviewer=evil, actor=chair)
    decide(approving, DecisionOutcome.APPROVE)
    late = services.assignment_create(submission=hostile, reviewer=members[1], actor=chair)
    Assignment.objects.filter(pk=late.pk).update(
        response_due=timezone.localdate() - datetime.timedelta(days=3),
        escalated_at=timezone.now(),
    )

    rejected = submit("Is it ever rejected?", topic=topic, authors=[AuthorFactory()])
    rejecting = services.assignment_create(submission=rejected, reviewer=members[0], actor=chair)
    decide(rejecting, DecisionOutcome.REJECT, HOSTILE_COMMENT)
    declined = services.assignment_create(submission=rejected, reviewer=members[2], actor=chair)
    services.assignment_decline(assignment=declined, actor=declined.reviewer.user, reason="Away")

    resubmitted = submit("Twice asked?", topic=topic, authors=[AuthorFactory()])
    resubmitted.kind = "resubmission"
    resubmitted.save(update_fields=["kind"])
    for member in members[:2]:
        accepted = services.assignment_create(submission=resubmitted, reviewer=member, actor=chair)
        services.assignment_accept(assignment=accepted, actor=member.user)
    return {"hostile": hostile, "rejected": rejected, "resubmitted": resubmitted}


def django_cards(response):
    """The cards as the Django template renders them, from the page's own context."""
    context = {name: response.context[name] for name in CARD_CONTEXT}
    context["csrf_token"] = response.context["csrf_token"]
    reference = Path(__file__).with_name("board_cards_reference.html").read_text()
    return engines["django"].from_string(reference).render(context)


def same_entities(html):
    """Jinja2 (MarkupSafe) writes a quote as &#34; and an apostrophe as &#39;; Django as
    &quot; and &#x27;: the same characters to a browser."""
    return html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


@pytest.mark.parametrize("query", [{}, {"show": "needs-reviewers"}, {"show": "awaiting-chair"}])
def test_the_cards_are_what_the_django_template_gave(client, chair, busy_board, query):
    client.force_login(chair)

    response = client.get(BOARD, query)

    assert response.status_code == 200
    cards = response.context["cards"]
    assert cards in response.text
    # Needs reviewers: no reviewers yet, and the rejected one (its other reviewer declined).
    assert len(response.context["items"]) == {"": 4, "needs-reviewers": 2}.get(
        query.get("show", ""), 1
    )
    assert same_entities(cards) == django_cards(response)


def test_the_representative_board_shows_every_kind_of_card(client, chair, busy_board):
    """What the equality above covers: each branch of a card's template."""
    client.force_login(chair)
    html = client.get(BOARD).text
    for words in [
        "No reviewers yet.",
        "Suggested reviewers, best first",
        "Not suggested (2)",
        "Decided: Approve",
        "Signed: ",
        '<strong class="overdue">Overdue:</strong> reply was due',
        "escalated <time",
        "review due <time",
        "Declined",
        "recommends rejecting",
        "Sign and confirm rejection",
        "· resubmission after changes",
        "Authors: <strong>",
        "<strong>nameless</strong>",
        "Override the board",
    ]:
        assert words in html, words


def test_a_card_with_no_eligible_reviewer_and_an_empty_filter_are_the_same_too(
    client, chair, submitted, author
):
    BoardMemberFactory(user=author, display_name="Dr. Maya Writer", specialties=[])
    client.force_login(chair)

    board = client.get(BOARD)
    empty = client.get(BOARD, {"show": "awaiting-chair"})

    assert "No eligible reviewer is available." in board.context["cards"]
    assert same_entities(board.context["cards"]) == django_cards(board)
    assert "No rejection by a reviewer waits for you to confirm it." in empty.context["cards"]
    assert empty.context["cards"] == django_cards(empty)


def test_what_authors_and_reviewers_type_is_escaped(client, chair, busy_board):
    client.force_login(chair)

    html = client.get(BOARD).text

    for hostile in (HOSTILE_TITLE, HOSTILE_NAME, HOSTILE_COMMENT):
        assert hostile not in html
    assert "<script>" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; &#39;more&#39;?" in html
    assert "Dr. &lt;b onmouseover=&#34;x()&#34;&gt;Evil&lt;/b&gt; O&#39;Neil" in html
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;rejected&#34; &amp; &#39;why&#39;" in html


def test_every_form_on_the_page_carries_the_requests_csrf_token(client, chair, busy_board):
    client.force_login(chair)
    html = client.get(BOARD).text
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) == html.count('method="post"') >= 10
    assert len(set(tokens)) == 1


def test_the_cards_urls_are_what_reverse_gives(busy_board):
    """The cards name some 200 admin URLs: the Jinja2 environment's ``url`` builds each
    pattern once (articles.presentation.stored_path)."""
    template = engines["jinja2"].from_string("{{ url(name, pk) }}")
    for name in [
        "admin:editorial_submission_change",
        "admin:editorial_submission_assign",
        "admin:editorial_submission_override",
        "admin:editorial_submission_confirm_reject",
        "admin:editorial_submission_candidates",
        "admin:editorial_assignment_change",
        "admin:editorial_assignment_withdraw",
    ]:
        for pk in (busy_board["hostile"].pk, 1, 10**12):
            assert template.render({"name": name, "pk": pk}) == reverse(name, args=[pk])
