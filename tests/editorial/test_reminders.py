"""The sweep: reminders, escalation, digests and re-review, each claimed and sent once."""

import datetime
import subprocess
import sys
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from articles.models import Article, PageChange, ReviewStatus
from editorial import services
from editorial.models import (
    Assignment,
    AuditEntry,
    EditorialPolicy,
    Notification,
    NotificationKind,
    Submission,
    SubmissionKind,
    SubmissionState,
)
from editorial.notifications import delivery
from editorial.reminders import digests
from editorial.sweep import SweepResult, run_sweep
from tests.factories import TEST_PASSWORD, AssignmentFactory, SubmissionFactory
from tests.realservices import ROOT, manage_env, wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(members):
    """The board without daily digests, so that these tests see reminders alone at any hour
    (the digest goes out on the first sweep after ``DIGEST_HOUR``, wall-clock time); the
    digest's own test switches it back on."""
    for member in members:
        type(member).objects.filter(pk=member.pk).update(wants_daily_digest=False)
        member.wants_daily_digest = False
    return members


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def make_overdue(assignment, *, days):
    """Move an accepted assignment's review due date ``days`` into the past, as the chair
    could, without reminders for the dates it skipped."""
    Assignment.objects.filter(pk=assignment.pk).update(review_due=days_ago(days))
    assignment.refresh_from_db()
    return assignment


def send_all(result):
    return sum(delivery.notification_send(pk) for pk in result.queued)


def reminders_to(user):
    return Notification.objects.filter(kind=NotificationKind.REMINDER, recipient=user)


def test_an_overdue_review_gets_exactly_one_reminder_email(accepted):
    reviewer = accepted.reviewer.user
    make_overdue(accepted, days=1)
    mail.outbox.clear()

    first = run_sweep()
    assert send_all(first) == 1
    second = run_sweep()
    assert second.reminders_claimed == 0 and send_all(second) == 0

    reminder = reminders_to(reviewer).get(superseded=False)
    assert reminder.dedupe_key == f"reminder:{accepted.pk}:review_due_today:1"
    emails = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert len(emails) == 1
    assert emails[0].subject.startswith("Review due today")
    assert f"/admin/editorial/assignment/{accepted.pk}/review/" in emails[0].body
    assert emails[0].alternatives[0][1] == "text/html"
    # "Due soon" fell due while no sweep ran: claimed as superseded, never sent.
    assert reminders_to(reviewer).filter(superseded=True).count() == 1


def test_a_sweep_missed_for_days_sends_the_newest_reminder_only(accepted):
    make_overdue(accepted, days=7)
    mail.outbox.clear()
    result = run_sweep()
    assert (result.reminders_claimed, result.reminders_superseded) == (1, 3)
    send_all(result)
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Review overdue (reminder 2)"]


def test_after_the_policy_count_the_work_is_escalated_to_the_chair(accepted, chair):
    policy = EditorialPolicy.load()
    days = policy.overdue_reminder_interval_days * (policy.overdue_reminder_max + 1)
    make_overdue(accepted, days=days)
    mail.outbox.clear()

    result = run_sweep()
    send_all(result)

    assert result.escalations_claimed == 1
    accepted.refresh_from_db()
    assert accepted.escalated_at is not None
    assert (
        AuditEntry.objects.filter(action="assignment.escalate", target_id=accepted.pk).count() == 1
    )
    to_chair = [m for m in mail.outbox if m.to == [chair.email]]
    assert len(to_chair) == 1 and to_chair[0].subject.startswith("Escalated:")
    assert run_sweep().escalations_claimed == 0, "escalated work is not looked at again"


def test_an_unanswered_invitation_is_reminded(invited):
    Assignment.objects.filter(pk=invited.pk).update(response_due=days_ago(3))
    result = run_sweep()
    rows = Notification.objects.filter(pk__in=result.queued)
    assert [row.dedupe_key for row in rows] == [f"reminder:{invited.pk}:invitation_overdue:1"]


def test_closed_assignments_get_no_reminders(accepted, chair):
    make_overdue(accepted, days=4)
    services.assignment_withdraw(assignment=accepted, actor=chair, reason="Reassigning.")
    assert run_sweep().reminders_claimed == 0


def test_the_daily_digest_goes_once_a_day_to_members_who_want_it(accepted, members):
    type(members[0]).objects.filter(pk=members[0].pk).update(wants_daily_digest=True)
    morning = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))
    assert run_sweep(now=morning.replace(hour=6)).digests_claimed == 0, "not before 07:00"
    first = run_sweep(now=morning)
    assert first.digests_claimed == 1
    digest = Notification.objects.get(kind=NotificationKind.DIGEST)
    assert digest.recipient == accepted.reviewer.user
    assert accepted.submission.revision.title in digest.body_text
    assert run_sweep(now=morning + datetime.timedelta(hours=3)).digests_claimed == 0

    type(members[0]).objects.filter(pk=members[0].pk).update(wants_daily_digest=False)
    tomorrow = morning + datetime.timedelta(days=1)
    assert run_sweep(now=tomorrow).digests_claimed == 0


def _digest_morning():
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))


def _give_open_work(member, count):
    """``count`` more invitations for ``member``, answers due in 1..count days; returns
    their titles, the most urgent first."""
    today = timezone.localdate()
    return [
        AssignmentFactory(
            submission=SubmissionFactory(state=SubmissionState.SUBMITTED),
            reviewer=member,
            response_due=today + datetime.timedelta(days=number + 1),
        ).submission.revision.title
        for number in range(count)
    ]


@pytest.mark.parametrize("members_wanting", [1, 3])
def test_the_digests_take_a_fixed_number_of_queries_and_list_the_most_urgent(
    accepted, members, members_wanting, django_assert_num_queries
):
    """However many members and open reviews: one query for the members, one for the
    digests already sent today, one for the totals, one for the most urgent of each, then
    the insert and the read of the outbox (in a savepoint: two more). A long queue is
    listed up to ``DIGEST_LIMIT``, soonest owed first, and the rest counted."""
    for member in members[:members_wanting]:
        type(member).objects.filter(pk=member.pk).update(wants_daily_digest=True)
    Assignment.objects.filter(pk=accepted.pk).update(review_due=days_ago(-3))
    invitations = _give_open_work(members[0], digests.DIGEST_LIMIT + 2)
    for member in members[1:members_wanting]:
        _give_open_work(member, 2)
    result = SweepResult()
    with django_assert_num_queries(8):
        digests.sweep_digests(now=_digest_morning(), result=result)
    assert result.digests_claimed == members_wanting

    digest = Notification.objects.get(recipient=members[0].user, kind=NotificationKind.DIGEST)
    assert digest.subject.endswith(f": {digests.DIGEST_LIMIT + 3}")
    listed = [line for line in digest.body_text.splitlines() if line.startswith("- ")]
    assert len(listed) == digests.DIGEST_LIMIT
    # Answers due in 1 and 2 days, then the review due in 3 (before the third answer).
    assert [invitations[0], invitations[1], accepted.submission.revision.title] == [
        line.split('"')[1] for line in listed[:3]
    ]
    assert invitations[-4] in digest.body_text and invitations[-3] not in digest.body_text
    assert "… and 3 more" in digest.body_text and "and 3 more." in digest.body_html

    again = SweepResult()
    with django_assert_num_queries(2):  # members and today's digests; nothing rendered
        digests.sweep_digests(now=_digest_morning(), result=again)
    assert again.digests_claimed == 0


def test_an_approved_article_due_for_review_is_sent_back_to_the_board_once(approved, chair):
    Article.objects.filter(pk=approved.article_id).update(next_review_due=days_ago(1))
    first = run_sweep()
    assert first.re_reviews_opened == 1
    re_review = Submission.objects.get(article=approved.article, kind=SubmissionKind.RE_REVIEW)
    assert re_review.revision_id == approved.revision_id, "the live revision is re-reviewed"
    article = Article.objects.get(pk=approved.article_id)
    assert article.published_revision_id == approved.revision_id, "it stays live meanwhile"
    assert article.review_status == ReviewStatus.SUBMITTED
    assert Notification.objects.filter(
        kind=NotificationKind.RE_REVIEW, recipient=chair, submission=re_review
    ).exists()
    assert run_sweep().re_reviews_opened == 0


def test_a_scheduled_re_review_is_recorded_as_the_systems_not_an_authors(approved, chair):
    Article.objects.filter(pk=approved.article_id).update(next_review_due=days_ago(1))
    run_sweep()
    re_review = Submission.objects.get(article=approved.article, kind=SubmissionKind.RE_REVIEW)
    assert re_review.submitted_by is None
    entry = AuditEntry.objects.get(action="submission.open_re_review")
    assert (entry.actor, entry.actor_label) == (None, "system")


def test_a_re_review_the_chair_opens_is_recorded_as_the_chairs(approved, chair):
    re_review = services.submission_open_re_review(
        article=approved.article, reason="New guideline.", actor=chair
    )
    assert re_review.submitted_by == chair


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(accepted):
    make_overdue(accepted, days=7)
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            send_all(run_sweep())
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len([m for m in mail.outbox if m.to == [accepted.reviewer.user.email]]) == 1
    assert reminders_to(accepted.reviewer.user).filter(superseded=False).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_deliver_an_overdue_reminder_to_smtp(accepted, smtp_server):
    """The issue's done-when: beat schedules the sweep, a worker runs it on Redis, and
    the overdue reviewer's reminder reaches a real SMTP server, once."""
    make_overdue(accepted, days=4)
    env = manage_env(
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        SWEEP_INTERVAL_SECONDS="1",
    )
    from config.celery import app

    app.control.purge()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel", "warning"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for args in (
            ["worker", "--pool", "solo", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            ["beat", "--schedule", f"/tmp/imprimatur-beat-{accepted.pk}-{time.time_ns()}"],
        )
    ]  # fmt: skip
    try:
        assert wait_for(lambda: len(smtp_server.messages) >= 1, timeout=45)
        time.sleep(3)  # several more beats: nothing more may be sent
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
    reviewer_mail = [
        m for m in smtp_server.messages if m.rcpt_tos == [accepted.reviewer.user.email]
    ]
    assert len(reviewer_mail) == 1
    assert b"Review overdue (reminder 1)" in reviewer_mail[0].content
    assert f"/admin/editorial/assignment/{accepted.pk}/review/".encode() in reviewer_mail[0].content


def test_a_withdrawn_reviewer_and_the_chair_after_a_decision_are_told(accepted, chair):
    reviewer = accepted.reviewer.user
    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=accepted,
        actor=reviewer,
        outcome="approve",
        confirmed_no_conflict=True,
    )
    assert Notification.objects.filter(
        recipient=chair, subject__startswith="Review decided (approve"
    ).exists()


def test_the_reviewer_is_told_when_the_chair_withdraws_the_assignment(accepted, chair):
    services.assignment_withdraw(assignment=accepted, actor=chair, reason="Reassigning.")
    row = Notification.objects.get(
        recipient=accepted.reviewer.user, subject__startswith="No longer"
    )
    assert "Reassigning." in row.body_text and "Reassigning." in row.body_html


def test_the_sweep_prunes_page_cache_changes_no_process_still_needs():
    old = PageChange.objects.create(
        scope="site", changed_at=timezone.now() - datetime.timedelta(days=2)
    )
    recent = PageChange.objects.create(scope="site")

    result = run_sweep()

    assert result.page_changes_pruned == 1
    assert not PageChange.objects.filter(pk=old.pk).exists()
    assert PageChange.objects.filter(pk=recent.pk).exists()
