"""The services and reads behind the author workspace: creating and saving drafts, the
status badge, and submit / resubmit / withdraw as the author's workflow asks for them."""

import pytest

from articles.models import Article, Reference, ReviewStatus, Revision
from articles.services import article_create, article_slug_for
from editorial import services
from editorial.errors import InvalidInput, TransitionNotAllowed
from editorial.models import AuditEntry, DecisionOutcome, Submission, SubmissionState
from tests.factories import TEST_PASSWORD, ArticleFactory, AuthorFactory, TopicFactory
from tests.workspace.support import cited_draft, reference_row
from workspace import commands, selectors

pytestmark = pytest.mark.django_db


def save(article, actor, **content):
    return services.article_save_draft(
        article=article,
        actor=actor,
        content={"title": "Edited question?", **content},
        references=[reference_row(1), reference_row(2)],
    )


# Creating and saving drafts.


def test_article_create_makes_a_unique_slug_from_the_question(author):
    def create(title, **kwargs):
        return article_create(
            topic=topic,
            authors=[author],
            created_by=author,
            title=title,
            summary="",
            body="",
            **kwargs,
        )

    topic = TopicFactory()
    first, _ = create("Is coffee safe?")
    second, revision = create("Is coffee   safe?", references=[reference_row(1)])
    assert (first.slug, second.slug) == ("is-coffee-safe", "is-coffee-safe-2")
    assert revision.references.get().title == "Study 1"
    assert article_slug_for("<script>?!</script>") == "scriptscript"
    assert article_slug_for("???") == "article"
    assert len(article_slug_for("long " * 100)) <= 80


def test_saving_a_draft_changes_it_in_place(article, draft, author):
    saved = save(article, author, summary="New summary [1].")
    assert saved.pk == draft.pk
    draft.refresh_from_db()
    assert (draft.title, draft.summary) == ("Edited question?", "New summary [1].")
    assert list(draft.references.values_list("position", flat=True)) == [1, 2]


@pytest.mark.parametrize("state", ["submitted", "under_review"])
def test_saving_is_refused_while_the_board_has_the_article(state, request, article, author):
    submission = request.getfixturevalue(state)
    before = submission.revision.compute_content_hash()
    with pytest.raises(TransitionNotAllowed, match="cannot be edited while the board reviews it"):
        save(article, author)
    submission.revision.refresh_from_db()
    assert submission.revision.compute_content_hash() == before
    assert article.revisions.count() == 1


def test_saving_after_changes_requested_starts_a_new_revision(article, changes_requested, author):
    reviewed = changes_requested.revision
    saved = save(article, author)
    assert saved.number == reviewed.number + 1 and not saved.is_locked
    reviewed.refresh_from_db()
    assert reviewed.compute_content_hash() == reviewed.content_hash
    assert reviewed.title != "Edited question?"


def test_saving_an_approved_article_starts_a_new_revision_and_the_approved_stays_live(
    article, approved, author
):
    saved = save(article, author)
    article.refresh_from_db()
    assert saved.number == 2
    assert article.published_revision_id == approved.revision_id
    assert article.review_status == ReviewStatus.APPROVED
    assert Revision.objects.get(pk=approved.revision_id).title != "Edited question?"


def test_saving_sets_topic_and_authors(article, draft, author):
    coauthor, topic = AuthorFactory(), TopicFactory()
    services.article_save_draft(
        article=article,
        actor=author,
        content={},
        references=None,
        topic=topic,
        authors=[author, coauthor],
    )
    article.refresh_from_db()
    assert article.topic == topic
    assert set(article.authors.all()) == {author, coauthor}
    assert draft.references.count() == 1  # references=None leaves them alone


# The badge.


@pytest.mark.parametrize(
    "state, draft_open, published, key, label",
    [
        (None, True, False, "draft", "Draft"),
        ("submitted", False, False, "submitted", "Submitted"),
        ("under_review", False, False, "under_review", "Under review"),
        ("changes_requested", False, False, "changes_requested", "Changes requested"),
        ("changes_requested", True, False, "changes_requested", "Changes requested"),
        ("approved", False, True, "approved", "Approved"),
        ("approved", True, True, "draft", "Draft"),
        ("rejected", False, False, "rejected", "Rejected"),
        ("rejected", True, False, "draft", "Draft"),
        ("withdrawn", False, False, "withdrawn", "Withdrawn"),
        ("withdrawn", True, False, "draft", "Draft"),
    ],
)
def test_workspace_status(state, draft_open, published, key, label):
    status = selectors.workspace_status(
        submission_state=state, draft_open=draft_open, published=published
    )
    assert (status.key, status.label) == (key, label)
    assert status.waits_on


def test_an_update_draft_of_a_published_article_says_the_approved_one_stays_live():
    status = selectors.workspace_status(
        submission_state="approved", draft_open=True, published=True
    )
    assert "approved version stays live" in status.waits_on


# Reads.


def test_author_articles_lists_written_and_cowritten_articles_only(author):
    coauthor = AuthorFactory()
    own = ArticleFactory(authors=[author])
    shared = ArticleFactory(authors=[coauthor, author])
    ArticleFactory(authors=[coauthor])
    cited_draft(own)
    cited_draft(shared)
    assert {a.pk for a in selectors.author_articles(author)} == {own.pk, shared.pk}


def test_author_articles_carries_the_newest_submission_and_revision(article, changes_requested):
    [listed] = selectors.author_articles(article.authors.first())
    assert listed.submission_state == SubmissionState.CHANGES_REQUESTED
    assert listed.newest_number == 1 and listed.newest_locked_at is not None
    assert selectors.status_of_listed(listed).label == "Changes requested"


def test_author_articles_takes_two_queries_whatever_the_count(
    author, django_assert_num_queries, chair
):
    def listed():
        return [
            (a.newest_title, [u.username for u in a.authors.all()], a.topic.name)
            for a in selectors.author_articles(author)
        ]

    first = ArticleFactory(authors=[author])
    services.submission_submit(article=first, revision=cited_draft(first), actor=author)
    with django_assert_num_queries(2):
        assert len(listed()) == 1
    for _ in range(19):
        other = ArticleFactory(authors=[author, AuthorFactory()])
        cited_draft(other)
    with django_assert_num_queries(2):
        assert len(listed()) == 20


def test_reviewer_feedback_reads_the_request_changes_comment(changes_requested):
    [feedback] = selectors.reviewer_feedback(changes_requested)
    assert (feedback.action, feedback.comment) == (
        "Changes requested",
        "Please cite the 2024 guideline.",
    )
    assert "chair" in feedback.who
    assert selectors.reviewer_feedback(None) == []


def test_reviewer_feedback_reads_a_chairs_override_rejection_labelled_as_one(under_review, chair):
    rejected = services.submission_override(
        password=TEST_PASSWORD,
        submission=under_review,
        actor=chair,
        outcome=DecisionOutcome.REJECT,
        reason="Duplicate of the existing article on iron and restless legs.",
    )
    [feedback] = selectors.reviewer_feedback(rejected)
    assert (feedback.action, feedback.comment) == (
        "Rejected by the board chair (override)",
        "Duplicate of the existing article on iron and restless legs.",
    )


def test_diff_base_is_the_newest_submitted_revision_before(article, changes_requested, author):
    new = save(article, author)
    assert selectors.diff_base_revision(article, new) == changes_requested.revision
    assert selectors.diff_base_revision(article, changes_requested.revision) is None


# The author's workflow.


def test_submit_refuses_a_draft_with_checklist_errors_and_changes_nothing(article, author):
    cited_draft(article, references=2).references.filter(position=2).delete()
    Revision.objects.filter(article=article).update(body="Cites [1] and [7].")
    with pytest.raises(commands.ChecklistFailed, match="checklist shows 1 problem to fix") as err:
        commands.submit_for_review(article=article, actor=author)
    assert err.value.status == 400
    assert not Submission.objects.exists() and not AuditEntry.objects.exists()
    assert not article.revisions.get().is_locked


def test_submit_sends_a_clean_draft_and_a_second_submit_says_already_submitted(article, author):
    revision = cited_draft(article)
    submission = commands.submit_for_review(article=article, actor=author, note="First go")
    assert (submission.state, submission.revision, submission.author_note) == (
        SubmissionState.SUBMITTED,
        revision,
        "First go",
    )
    with pytest.raises(TransitionNotAllowed, match="^Already submitted: this version went"):
        commands.submit_for_review(article=article, actor=author)
    assert Submission.objects.count() == 1 and AuditEntry.objects.count() == 1


def test_after_changes_requested_submit_resubmits_the_new_revision(
    article, changes_requested, author
):
    first = changes_requested
    with pytest.raises(TransitionNotAllowed, match="no new draft to submit"):
        commands.submit_for_review(article=article, actor=author, note="Nothing changed")
    services.article_save_draft(article=article, actor=author, content={"title": "Better?"})
    resubmitted = commands.submit_for_review(article=article, actor=author, note="Cited it.")
    first.refresh_from_db()
    assert first.state == SubmissionState.RESUBMITTED
    assert resubmitted.previous == first and resubmitted.revision.number == 2
    assert resubmitted.author_note == "Cited it."


def test_withdraw_takes_the_open_submission_out_and_a_second_withdraw_is_refused(
    article, submitted, author
):
    withdrawn = commands.withdraw_from_review(article=article, actor=author, reason="Rethinking")
    assert withdrawn.state == SubmissionState.WITHDRAWN
    with pytest.raises(TransitionNotAllowed, match="not in review"):
        commands.withdraw_from_review(article=article, actor=author)
    assert AuditEntry.objects.filter(action="submission.withdraw").count() == 1


def test_submit_without_content_is_invalid_input(author):
    article = Article.objects.create(slug="empty", topic=TopicFactory())
    with pytest.raises(InvalidInput):
        commands.submit_for_review(article=article, actor=author)
    assert not Reference.objects.exists()
