"""The state machine, service by service and state by state (DESIGN: "The state machine",
invariant 3): an allowed step changes the state, writes exactly one audit entry and the
article's public facts; every other step is refused with a message naming the state and
leaves the database exactly as it was."""

import pytest
from django.core import mail

from articles.models import Article, ReviewStatus, Revision
from articles.services import revision_draft_for_edit
from editorial import services
from editorial.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from editorial.models import AuditEntry, Submission, SubmissionKind, SubmissionState
from tests.factories import TEST_PASSWORD, AuthorFactory, BoardMemberFactory

pytestmark = pytest.mark.django_db

S = SubmissionState

# The fixture (tests/conftest.py) that puts a submission in each state.
STATE_FIXTURES = {
    S.DRAFT: "draft_submission",
    S.SUBMITTED: "submitted",
    S.UNDER_REVIEW: "under_review",
    S.CHANGES_REQUESTED: "changes_requested",
    S.APPROVED: "approved",
    S.REJECTED: "rejected",
    S.WITHDRAWN: "withdrawn",
    S.RESUBMITTED: "resubmitted",
}


def call_service(name, *, submission, revision, author, chair):
    """Run one service the way its usual actor would: authors submit, resubmit and
    withdraw; the chair starts reviews and decides. ``submit`` sends the article's newest
    draft (it creates a submission rather than moving ``submission``)."""
    if name == "submit":
        return services.submission_submit(
            article=submission.article, revision=revision, actor=author
        )
    if name == "resubmit":
        return services.submission_resubmit(submission=submission, revision=revision, actor=author)
    if name == "start_review":
        return services.submission_start_review(submission=submission, actor=chair)
    if name == "request_changes":
        return services.submission_request_changes(
            submission=submission,
            actor=chair,
            comment="Add the dosing table.",
            password=TEST_PASSWORD,
        )
    if name == "approve":
        return services.submission_approve(submission=submission, actor=chair)
    if name == "reject":
        return services.submission_reject(
            submission=submission, actor=chair, comment="Outside our scope."
        )
    if name == "withdraw":
        return services.submission_withdraw(submission=submission, actor=author)
    raise AssertionError(name)


SERVICES = [
    "submit",
    "start_review",
    "request_changes",
    "resubmit",
    "approve",
    "reject",
    "withdraw",
]

# (state, service) → the state the step leads to. Everything not listed is refused.
# For submit and resubmit the new state is that of the new submission they create.
ALLOWED = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "start_review"): S.UNDER_REVIEW,
    (S.SUBMITTED, "withdraw"): S.WITHDRAWN,
    (S.UNDER_REVIEW, "request_changes"): S.CHANGES_REQUESTED,
    (S.UNDER_REVIEW, "approve"): S.APPROVED,
    (S.UNDER_REVIEW, "reject"): S.REJECTED,
    (S.UNDER_REVIEW, "withdraw"): S.WITHDRAWN,
    (S.CHANGES_REQUESTED, "resubmit"): S.SUBMITTED,
    (S.CHANGES_REQUESTED, "withdraw"): S.WITHDRAWN,
    # Closed submissions leave the article free for its next revision to be submitted.
    (S.APPROVED, "submit"): S.SUBMITTED,
    (S.REJECTED, "submit"): S.SUBMITTED,
    (S.WITHDRAWN, "submit"): S.SUBMITTED,
}

# What readers are told after each step (none of these articles was approved before).
PUBLIC_STATUS_AFTER = {
    S.SUBMITTED: ReviewStatus.SUBMITTED,
    S.UNDER_REVIEW: ReviewStatus.UNDER_REVIEW,
    S.CHANGES_REQUESTED: ReviewStatus.UNDER_REVIEW,
    S.APPROVED: ReviewStatus.APPROVED,
    S.REJECTED: ReviewStatus.NOT_SUBMITTED,
    S.WITHDRAWN: ReviewStatus.NOT_SUBMITTED,
}

ALL_CASES = [(state, service) for state in STATE_FIXTURES for service in SERVICES]


def cases(*, allowed):
    return [
        pytest.param(state, service, id=f"{state}-{service}")
        for state, service in ALL_CASES
        if ((state, service) in ALLOWED) == allowed
    ]


def database_snapshot():
    return {
        "submissions": list(Submission.objects.order_by("pk").values()),
        "articles": list(Article.objects.order_by("pk").values()),
        "revisions": list(Revision.objects.order_by("pk").values()),
        "audit": list(AuditEntry.objects.order_by("sequence").values_list("sequence", "hash")),
    }


@pytest.fixture
def in_state(request):
    """The submission in the state named by the test's ``state`` parameter, fresh from
    the database."""
    submission = request.getfixturevalue(STATE_FIXTURES[request.node.callspec.params["state"]])
    return Submission.objects.get(pk=submission.pk)


@pytest.fixture
def next_draft(in_state, author):
    """The draft that submit/resubmit would send: created before the step is tried, so
    a refused step can be checked against an unchanged database."""
    return revision_draft_for_edit(article=in_state.article, actor=author)


@pytest.mark.parametrize(("state", "service"), cases(allowed=True))
def test_allowed_step_moves_the_state_and_writes_one_audit_entry(
    state, service, in_state, next_draft, author, chair
):
    audit_before = AuditEntry.objects.count()
    was_published = Article.objects.get(pk=in_state.article_id).published_revision_id

    result = call_service(
        service, submission=in_state, revision=next_draft, author=author, chair=chair
    )

    new_state = ALLOWED[(state, service)]
    creates_submission = service in ("submit", "resubmit")
    moved = Submission.objects.get(pk=result.pk)
    assert moved.state == new_state
    if creates_submission:
        assert moved.pk != in_state.pk
        assert moved.revision == next_draft
        assert moved.content_hash == Revision.objects.get(pk=next_draft.pk).content_hash != ""
    else:
        assert moved.pk == in_state.pk
    if service == "resubmit":
        assert Submission.objects.get(pk=in_state.pk).state == S.RESUBMITTED
        assert moved.previous_id == in_state.pk
        assert moved.kind == SubmissionKind.RESUBMISSION

    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == f"submission.{service}"
    assert entry.from_state == (S.DRAFT if service == "submit" else state)
    assert entry.to_state == new_state
    assert (entry.target_type, entry.target_id) == ("editorial.submission", moved.pk)
    assert entry.article_id == in_state.article_id
    assert entry.actor == (author if service in ("submit", "resubmit", "withdraw") else chair)

    article = Article.objects.get(pk=in_state.article_id)
    if was_published:
        # An update of an approved article: readers keep the approved revision meanwhile.
        assert article.published_revision_id == was_published
        assert article.review_status == ReviewStatus.SUBMITTED
        assert article.update_under_review
    else:
        assert article.review_status == PUBLIC_STATUS_AFTER[new_state]
    if service == "approve":
        assert article.published_revision_id == in_state.revision_id
        assert article.last_reviewed_at == moved.decided_at
        assert article.next_review_due is not None
        assert [reviewer["slug"] for reviewer in article.reviewed_by] == ["dr-chair"]
    elif not was_published:
        assert article.published_revision_id is None


@pytest.mark.parametrize(("state", "service"), cases(allowed=False))
def test_every_other_step_is_refused_and_changes_nothing(
    state, service, in_state, next_draft, author, chair
):
    before = database_snapshot()

    with pytest.raises(TransitionNotAllowed) as refused:
        call_service(service, submission=in_state, revision=next_draft, author=author, chair=chair)

    if service == "submit":
        assert "already has a submission in review" in refused.value.message
    else:
        assert refused.value.message.endswith(f"it is {S(state).label.lower()}.")
    assert refused.value.status == 409
    assert database_snapshot() == before


def test_the_table_covers_every_state():
    assert set(STATE_FIXTURES) == set(SubmissionState)


@pytest.mark.parametrize("comment", ["", "   \n"])
@pytest.mark.parametrize(
    ("service", "signed"),
    [
        (services.submission_request_changes, {"password": TEST_PASSWORD}),
        (services.submission_reject, {}),
    ],
)
def test_request_changes_and_reject_need_a_comment(service, signed, comment, under_review, chair):
    before = database_snapshot()

    with pytest.raises(InvalidInput, match="A comment is required"):
        service(submission=under_review, actor=chair, comment=comment, **signed)

    assert database_snapshot() == before


def test_the_comment_is_kept_in_the_audit_entry(under_review, chair):
    services.submission_request_changes(
        submission=under_review,
        actor=chair,
        comment="Cite the 2023 review.",
        password=TEST_PASSWORD,
    )

    assert AuditEntry.objects.order_by("-sequence").first().comment == "Cite the 2023 review."


def test_an_author_cannot_withdraw_someone_elses_article(submitted):
    stranger = AuthorFactory(username="stranger")
    before = database_snapshot()

    with pytest.raises(NotPermitted) as refused:
        services.submission_withdraw(submission=submitted, actor=stranger)

    assert refused.value.status == 403
    assert database_snapshot() == before


@pytest.mark.parametrize("who", ["the article's author", "a board reviewer"])
def test_only_the_chair_decides(who, under_review, author):
    actor = author if who == "the article's author" else BoardMemberFactory().user
    before = database_snapshot()

    with pytest.raises(NotPermitted):
        services.submission_approve(submission=under_review, actor=actor)

    assert database_snapshot() == before


def test_approval_emails_the_author_after_commit(
    under_review, author, chair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submission_approve(submission=under_review, actor=chair)
        assert mail.outbox == [], "nothing is sent before the transaction commits"

    assert callbacks, "the email is queued to go out on commit"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [author.email]
    assert message.subject == f"Approved and published: {under_review.revision.title}"
    assert "is now: Approved" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>Approved</strong>" in html


def test_a_refused_step_sends_nothing(under_review, chair, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TransitionNotAllowed),
    ):
        services.submission_start_review(submission=under_review, actor=chair)

    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "10.12/bad", "reference 1: Enter a DOI such as 10.1000/xyz123."),
        ("pmid", "123456789", "reference 1: A PubMed ID is 1 to 8 digits."),
        ("year", 2999, "reference 1: 2999 is in the future."),
        ("year", 1700, "reference 1: Ensure this value is greater than or equal to 1800."),
    ],
)
def test_a_reference_the_checklist_refuses_is_refused_by_the_service_too(
    article, draft, author, field, value, message
):
    """The workspace saves a malformed DOI or PMID or a future year as typed; no way of
    submitting (the API, a script) gets such a revision to the board."""
    draft.references.update(**{field: value})
    with pytest.raises(InvalidInput) as refused:
        services.submission_submit(article=article, revision=draft, actor=author)
    assert message in str(refused.value)
    assert not Submission.objects.filter(article=article).exists()
    draft.refresh_from_db()
    assert not draft.is_locked and not AuditEntry.objects.exists()
