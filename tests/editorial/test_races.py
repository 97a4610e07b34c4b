"""Racing requests (DESIGN invariants 3 and 4): real threads on real connections. Of
conflicting decisions exactly one wins and the others get TransitionNotAllowed (never
another error), and concurrent writers never fork the audit chain."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from articles.models import Article, ReviewStatus
from editorial import services
from editorial.actions import AuditAction
from editorial.audit import audit_record, verify_chain
from editorial.errors import TransitionNotAllowed
from editorial.models import AuditEntry, Submission, SubmissionState
from tests.factories import TEST_PASSWORD, ArticleFactory, ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 20
WRITERS = 8


def run_together(calls):
    """Run each ``name → function(user)`` in its own thread, released at once by a barrier.
    Returns ``name → None`` for success or the exception raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = {}

    def worker(name, user_pk, call):
        try:
            actor = get_user_model().objects.get(pk=user_pk)
            barrier.wait(timeout=30)
            call(actor)
            outcomes[name] = None
        except Exception as error:  # noqa: BLE001 - every exception is an outcome to check
            outcomes[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(name, user.pk, call))
        for name, (user, call) in calls.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a racing thread hung"
    return outcomes


def fresh_under_review(author, chair):
    article = ArticleFactory(authors=[author])
    revision = RevisionFactory(article=article, number=1)
    ReferenceFactory(revision=revision, position=1)
    submission = services.submission_submit(article=article, revision=revision, actor=author)
    return services.submission_start_review(submission=submission, actor=chair)


# The conflicting decisions on one submission under review: who takes them, the state each
# leads to, and what readers are then told.
DECISIONS = {
    "approve": ("chair", SubmissionState.APPROVED, ReviewStatus.APPROVED),
    "reject": ("chair", SubmissionState.REJECTED, ReviewStatus.NOT_SUBMITTED),
    "request_changes": ("chair", SubmissionState.CHANGES_REQUESTED, ReviewStatus.UNDER_REVIEW),
    "withdraw": ("author", SubmissionState.WITHDRAWN, ReviewStatus.NOT_SUBMITTED),
}


def decision_call(name, submission):
    if name == "approve":
        return lambda actor: services.submission_approve(submission=submission, actor=actor)
    if name == "reject":
        return lambda actor: services.submission_reject(
            submission=submission, actor=actor, comment="Not supported by the evidence."
        )
    if name == "request_changes":
        return lambda actor: services.submission_request_changes(
            submission=submission,
            actor=actor,
            comment="Please add the 2024 guideline.",
            password=TEST_PASSWORD,
        )
    return lambda actor: services.submission_withdraw(submission=submission, actor=actor)


def race_round(author, chair, contenders):
    """One round: a fresh submission under review, ``contenders`` (name → who) released at
    once. Returns the submission, the outcomes and the audit entries the round wrote."""
    people = {"author": author, "chair": chair}
    submission = fresh_under_review(author, chair)
    last_sequence = AuditEntry.objects.order_by("-sequence").first().sequence

    outcomes = run_together(
        {
            name: (people[who], decision_call(name.split("#")[0], submission))
            for name, who in contenders.items()
        }
    )

    unexpected = {
        name: error
        for name, error in outcomes.items()
        if error is not None and not isinstance(error, TransitionNotAllowed)
    }
    assert unexpected == {}, "a racing request failed with something other than a refusal"
    entries = list(AuditEntry.objects.filter(sequence__gt=last_sequence).order_by("sequence"))
    return submission, outcomes, entries


def test_mutually_exclusive_decisions_exactly_one_wins(author, chair):
    """Approve (twice: two chairs clicking at once), reject and request changes all start
    from under review and leave it, so exactly one can happen."""
    contenders = {
        "approve#1": "chair",
        "approve#2": "chair",
        "reject": "chair",
        "request_changes": "chair",
    }
    for _ in range(ROUNDS):
        submission, outcomes, entries = race_round(author, chair, contenders)

        [winner] = [name for name, error in outcomes.items() if error is None]
        decision = winner.split("#")[0]
        _, won_state, public_status = DECISIONS[decision]
        assert Submission.objects.get(pk=submission.pk).state == won_state
        assert Article.objects.get(pk=submission.article_id).review_status == public_status
        assert [(entry.action, entry.target_id, entry.from_state) for entry in entries] == [
            (f"submission.{decision}", submission.pk, SubmissionState.UNDER_REVIEW)
        ]
        for name, error in outcomes.items():
            if name != winner:
                assert error.message.endswith(f"it is {won_state.label.lower()}.")

    assert verify_chain() == (AuditEntry.objects.count(), None)


def test_decisions_racing_a_withdrawal_serialize(author, chair):
    """The chair approves, rejects or requests changes while the author withdraws. One of
    them wins; the only step that can still follow is the author's withdrawal after a
    change request (withdrawing is allowed from changes requested). Every success wrote
    exactly one audit entry, in an order that is a legal path from under review."""
    contenders = {name: who for name, (who, _, _) in DECISIONS.items()}
    for _ in range(ROUNDS):
        submission, outcomes, entries = race_round(author, chair, contenders)

        succeeded = {name for name, error in outcomes.items() if error is None}
        path = [entry.action.removeprefix("submission.") for entry in entries]
        assert sorted(path) == sorted(succeeded)
        assert path in (
            ["approve"],
            ["reject"],
            ["request_changes"],
            ["withdraw"],
            ["request_changes", "withdraw"],
        )
        state, passed_through = SubmissionState.UNDER_REVIEW, []
        for entry in entries:
            assert (entry.target_id, entry.from_state) == (submission.pk, state)
            state = SubmissionState(entry.to_state)
            passed_through.append(f"it is {state.label.lower()}.")
        assert Submission.objects.get(pk=submission.pk).state == state
        assert Article.objects.get(pk=submission.article_id).review_status == DECISIONS[path[-1]][2]
        for name, error in outcomes.items():
            if name not in succeeded:
                # Refused in whichever state the winner(s) had left the submission.
                assert error.message.endswith(tuple(passed_through))

    assert verify_chain() == (AuditEntry.objects.count(), None)


def assert_unforked_chain():
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [entry.sequence for entry in entries] == list(range(1, len(entries) + 1))
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash, f"chain forks at sequence {entry.sequence}"
        assert entry.hash == entry.compute_hash()
    assert verify_chain() == (len(entries), None)
    return len(entries)


def test_concurrent_audit_writers_leave_one_unforked_chain(author, chair):
    articles = []
    for _ in range(WRITERS):
        article = ArticleFactory(authors=[author])
        revision = RevisionFactory(article=article, number=1)
        ReferenceFactory(revision=revision, position=1)
        articles.append((article, revision))
    entries_per_writer = 6

    def write(article, revision):
        def call(actor):
            # Half of each writer's entries come from services, half straight from the log.
            submission = services.submission_submit(article=article, revision=revision, actor=actor)
            submission = services.submission_start_review(submission=submission, actor=chair)
            services.submission_approve(submission=submission, actor=chair)
            for number in range(entries_per_writer - 3):
                with transaction.atomic():
                    audit_record(
                        actor=actor,
                        action=AuditAction.POLICY_UPDATE,
                        target=article,
                        article=article,
                        data={"note": number},
                    )

        return call

    outcomes = run_together(
        {f"writer-{index}": (author, write(*pair)) for index, pair in enumerate(articles)}
    )

    assert outcomes == {f"writer-{index}": None for index in range(WRITERS)}
    assert assert_unforked_chain() == WRITERS * entries_per_writer
    assert Submission.objects.filter(state=SubmissionState.APPROVED).count() == WRITERS, (
        "every writer's services committed"
    )
