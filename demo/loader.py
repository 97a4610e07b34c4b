"""Replay the demo data through the services: accounts, topics, the board, conflicts of
interest, the editorial policy, then each article and its workflow steps, in order.

Everything is fetched or created: an article is created, and walked through its steps, only
if its slug is not taken yet, and the policy text is written only while it is empty, so
loading again changes nothing. Every workflow state is reached through the editorial
services, so the audit chain is the one real use would have written.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, AuthorProfile, RelatedQuestion, Topic
from articles.services import article_create
from demo.content import DemoError, check
from editorial import services
from editorial.models import DecisionOutcome, EditorialPolicy, SubmissionState
from editorial.selectors import reviewer_suggestions
from editorial.services import (
    article_save_draft,
    assignment_accept,
    assignment_create,
    assignment_decide,
    assignment_set_due_dates,
    conflict_declare,
    policy_update,
    submission_confirm_reject,
    submission_override,
    submission_resubmit,
    submission_submit,
    submission_withdraw,
)
from editorial.signing import checkpoints
from reviewers.models import BoardMember, ConflictOfInterest


@dataclass(frozen=True)
class Seeded:
    users: dict  # username -> user
    kept_password: set  # usernames of accounts that existed with another password


def seed(demo, *, say=lambda line: None):
    """Load ``demo`` (see ``demo.content.load_demo``) in one transaction: a failure halfway
    leaves nothing half-built, and the next run starts again from a clean state. Raises
    ``DemoError``, before writing anything, if the data is inconsistent. Side effects: the
    services' audit entries, and the notifications they send once the transaction commits."""
    check(demo, actions=STEP_HANDLERS)
    with services.batch():
        users, kept_password = _users(demo)
        topics = _topics(demo)
        members = _board(demo, users, topics)
        _conflicts(demo, users, members)
        _policy(demo, users[demo.chair])
        _articles(demo, users, topics, members, say)
        _related_questions(demo)
        # Sign the log, so that every demo review record carries its inclusion proof.
        checkpoints.write_checkpoint(only_if_grown=True)
    return Seeded(users=users, kept_password=kept_password)


# Accounts, topics, board, policy -------------------------------------------------------


def _users(demo):
    user_model = get_user_model()
    users, kept_password = {}, set()
    for spec in demo.users:
        flags = {
            "is_staff": spec.get("is_staff", False),
            "is_superuser": spec.get("is_superuser", False),
        }
        user, created = user_model.objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": spec["email"],
                **flags,
            },
        )
        if created:
            user.set_password(demo.password)
            user.save(update_fields=["password"])
        else:
            # An account that already existed keeps its password; the login table says so
            # instead of printing one that would not work.
            if not user.check_password(demo.password):
                kept_password.add(user.username)
            # Board accounts need the admin to work in the demo; an existing account is
            # never made a superuser behind its owner's back.
            if flags["is_staff"] and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        if spec.get("group"):
            user.groups.add(_group(spec["group"]))
        if spec.get("orcid"):
            AuthorProfile.objects.get_or_create(user=user, defaults={"orcid": spec["orcid"]})
        users[user.username] = user
    return users, kept_password


def _group(name):
    try:
        return Group.objects.get(name=name)
    except Group.DoesNotExist as error:
        raise DemoError(f'Group "{name}" is missing; run "manage.py migrate" first.') from error


def _topics(demo):
    topics = {}
    for spec in demo.topics:
        topic, _ = Topic.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "publish_pending": spec.get("publish_pending", False),
            },
        )
        topics[topic.slug] = topic
    return topics


def _board(demo, users, topics):
    members = {}
    for spec in demo.board:
        member, _ = BoardMember.objects.get_or_create(
            user=users[spec["username"]],
            defaults={
                "display_name": spec["display_name"],
                "credentials": spec["credentials"],
                "bio": spec["bio"],
                "orcid": spec.get("orcid", ""),
            },
        )
        member.specialties.add(*(topics[slug] for slug in spec["specialties"]))
        members[spec["username"]] = member
    return members


def _conflicts(demo, users, members):
    for spec in demo.conflicts:
        member = members[spec["member"]]
        subject = {"author": users[spec["author"]]}
        if not ConflictOfInterest.objects.active().filter(member=member, **subject).exists():
            conflict_declare(member=member, actor=member.user, reason=spec["reason"], **subject)


def _policy(demo, chair):
    """The chair writes the policy text, audited like any change, unless one is there."""
    policy = EditorialPolicy.load()
    if not policy.policy_text.strip():
        text = demo.policy_text.format(
            quorum=policy.quorum, re_review_months=policy.re_review_months
        )
        policy_update(actor=chair, policy_text=text)


def _related_questions(demo):
    pairs = [
        (article.slug, related, position)
        for article in demo.articles
        for position, related in enumerate(article.related, start=1)
    ]
    articles = Article.objects.in_bulk(
        {slug for pair in pairs for slug in pair[:2]}, field_name="slug"
    )
    for slug, related_slug, position in pairs:
        if slug in articles and related_slug in articles:
            RelatedQuestion.objects.get_or_create(
                article=articles[slug],
                related=articles[related_slug],
                defaults={"position": position},
            )


# Articles ------------------------------------------------------------------------------


@dataclass
class Replay:
    """One article on its way through the workflow: what its steps share."""

    article: Article
    revision: object  # the newest revision
    author: object  # takes the author steps
    chair: object  # invites reviewers, confirms rejections
    members: dict  # username -> BoardMember
    password: str  # the demo accounts' password, re-entered to e-sign each decision
    submission: object = None
    assignments: dict = field(default_factory=dict)  # username -> Assignment


def _articles(demo, users, topics, members, say):
    slugs = [article.slug for article in demo.articles]
    existing = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for data in demo.articles:
        if data.slug in existing:
            say(f"  skipped  {data.slug} (already exists)")
            continue
        author = users[demo.author]
        article, revision = article_create(
            slug=data.slug,
            topic=topics[data.topic],
            authors=[users[name] for name in data.authors],
            created_by=author,
            references=data.content.numbered_references(),
            **data.content.fields(),
        )
        replay = Replay(
            article=article,
            revision=revision,
            author=author,
            chair=users[demo.chair],
            members=members,
            password=demo.password,
        )
        for step in data.steps:
            STEP_HANDLERS[step["action"]](replay, step)
            if replay.submission is not None:
                replay.submission.refresh_from_db()
        say(f"  created  {data.slug} ({_describe(replay)})")


def _submit(replay, step):
    replay.submission = submission_submit(
        article=replay.article,
        revision=replay.revision,
        actor=replay.author,
        note=step.get("note", ""),
    )


def _assign(replay, step):
    """The chair invites the step's ``reviewers``, as from the board view's suggestions;
    those in ``accept`` (by default all) accept from their queue. ``overdue_days`` moves
    the review's due date that many days into the past."""
    submission = replay.submission
    suggested, _ = reviewer_suggestions(submission)
    suggested = {suggestion.member.pk for suggestion in suggested}
    for name in step["reviewers"]:
        member = replay.members[name]
        if member.pk not in suggested:
            raise DemoError(
                f"{submission.article.slug}: {name} is not among the suggested reviewers."
            )
        replay.assignments[name] = assignment_create(
            submission=submission, reviewer=member, actor=replay.chair
        )
    for name in step.get("accept", step["reviewers"]):
        assignment = assignment_accept(
            assignment=replay.assignments[name], actor=replay.members[name].user
        )
        if step.get("overdue_days"):
            assignment = assignment_set_due_dates(
                assignment=assignment,
                actor=replay.chair,
                review_due=timezone.localdate() - datetime.timedelta(days=step["overdue_days"]),
            )
        replay.assignments[name] = assignment


def _approve(replay, step):
    """Each of ``reviewers`` approves (the first with ``comment``); the quorum then
    approves the submission."""
    for number, name in enumerate(step["reviewers"]):
        comment = step.get("comment", "") if number == 0 else ""
        _decide(replay, name, DecisionOutcome.APPROVE, comment)


def _request_changes(replay, step):
    _decide(replay, step["reviewer"], DecisionOutcome.REQUEST_CHANGES, step["comment"])


def _reject(replay, step):
    """The reviewer recommends rejection; the chair confirms it."""
    _decide(replay, step["reviewer"], DecisionOutcome.REJECT, step["comment"])
    submission_confirm_reject(
        submission=replay.submission, actor=replay.chair, password=replay.password
    )


def _override(replay, step):
    """The chair approves or rejects without the board's quorum, signed, with ``reason``."""
    submission_override(
        submission=replay.submission,
        actor=replay.chair,
        outcome=step.get("outcome", DecisionOutcome.APPROVE),
        reason=step["reason"],
        password=replay.password,
    )


def _withdraw(replay, step):
    submission_withdraw(
        submission=replay.submission, actor=replay.author, comment=step.get("comment", "")
    )


def _revise(replay, step):
    """The author edits a new draft revision to say what the step's ``content`` file says."""
    content = step["content"]
    replay.revision = article_save_draft(
        article=replay.article,
        actor=replay.author,
        content=content.fields(),
        references=content.numbered_references(),
    )


def _resubmit(replay, step):
    replay.submission = submission_resubmit(
        submission=replay.submission,
        revision=replay.revision,
        actor=replay.author,
        note=step.get("note", ""),
    )


def _decide(replay, name, outcome, comment):
    assignment = replay.assignments[name]
    assignment_decide(
        assignment=assignment,
        actor=assignment.reviewer.user,
        outcome=outcome,
        comment=comment,
        confirmed_no_conflict=True,
        password=replay.password,
    )


# What each step ``action`` in an article's front matter does.
STEP_HANDLERS = {
    "submit": _submit,
    "assign": _assign,
    "approve": _approve,
    "request_changes": _request_changes,
    "reject": _reject,
    "override": _override,
    "withdraw": _withdraw,
    "revise": _revise,
    "resubmit": _resubmit,
}


def _describe(replay):
    """The state the article's steps left it in, for the progress line."""
    submission = replay.submission
    if submission is None:
        return "draft, never submitted"
    state = submission.get_state_display().lower()
    replay.article.refresh_from_db(fields=["published_revision"])
    if replay.article.published_revision_id and submission.state != SubmissionState.APPROVED:
        return f"approved; update {state}"
    return state
