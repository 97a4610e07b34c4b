"""Load the demo: accounts, the board, topics, the editorial policy and articles in every
workflow state."""

import datetime
import logging
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from articles.models import Article, Reference, RelatedQuestion, Topic
from articles.rendering import cited_numbers
from articles.services import article_create, revision_draft_for_edit, revision_update_draft
from editorial import demo_content as demo
from editorial import services
from editorial.models import DecisionOutcome, EditorialPolicy, SubmissionState
from editorial.selectors import reviewer_suggestions
from editorial.services import (
    assignment_accept,
    assignment_create,
    assignment_decide,
    assignment_set_due_dates,
    conflict_declare,
    submission_confirm_reject,
    submission_resubmit,
    submission_submit,
    submission_withdraw,
)
from reviewers.models import BoardMember, ConflictOfInterest

CONTENT_FIELDS = ("title", "summary", "body", "patient_body")


class Command(BaseCommand):
    """Create the demo data, idempotently.

    Accounts, topics and board members are fetched or created; an article is created, and
    walked through its workflow, only if its slug is not taken yet, so running the command
    again changes nothing. Every workflow state is reached through the editorial services,
    so the audit chain is the one real use would have written. Development only: every demo
    account shares a published password.
    """

    help = (
        "Load the demo (accounts, board, topics, policy, articles in every review state). "
        "Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-email",
            action="store_true",
            help="Send the workflow notification emails too (by default they are discarded).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo accounts have a published password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a published password and is meant for "
                "development. DEBUG is off; pass --force if you really want the demo here."
            )
        self.verbosity = options["verbosity"]
        self._check_content()

        # In development tasks run in-process once the transaction commits, and the console
        # email backend would bury the login table under some thirty demo notifications.
        # With a real broker the worker sends them regardless, to example.org addresses.
        email = (
            {}
            if options["send_email"]
            else {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
        )
        # One transaction: a failure halfway leaves no half-built article behind, and the
        # next run starts again from a clean state.
        with (
            _quiet_task_log(options["verbosity"]),
            override_settings(**email),
            services.batch(),
        ):
            users, kept_password = self._users()
            topics = self._topics()
            members = self._board(users, topics)
            self._conflicts(users, members)
            self._policy()
            self._articles(users, topics, members)
            self._related_questions()
        self._print_logins(users, kept_password)

    # Content ---------------------------------------------------------------------------

    def _check_content(self):
        """Refuse demo content whose citations or references are broken before writing any
        of it: a bad DOI or a dangling [n] would otherwise be frozen into a locked revision."""
        problems = []
        for spec in demo.ARTICLES:
            versions = [spec["content"]]
            for step in spec["steps"]:
                if step["action"] == "revise":
                    versions.append({**versions[-1], **step["changes"]})
            for number, content in enumerate(versions, start=1):
                where = f"{spec['slug']} r{number}"
                references = content["references"]
                cited = set(cited_numbers(content["body"]))
                listed = set(range(1, len(references) + 1))
                if cited - listed:
                    problems.append(f"{where}: cites missing references {sorted(cited - listed)}")
                if listed - cited:
                    problems.append(f"{where}: never cites references {sorted(listed - cited)}")
                for position, data in enumerate(references, start=1):
                    try:
                        Reference(position=position, **data).full_clean(
                            exclude=["revision"], validate_unique=False, validate_constraints=False
                        )
                    except ValidationError as error:
                        problems.append(f"{where} reference {position}: {error.messages}")
        if problems:
            raise CommandError("Demo content is inconsistent:\n  " + "\n  ".join(problems))

    # Accounts, topics, board, policy ---------------------------------------------------

    def _users(self):
        user_model = get_user_model()
        users, kept_password = {}, set()
        for spec in demo.USERS:
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
                user.set_password(demo.DEMO_PASSWORD)
                user.save(update_fields=["password"])
            else:
                # An account that already existed keeps its password; the login table says
                # so instead of printing one that would not work.
                if not user.check_password(demo.DEMO_PASSWORD):
                    kept_password.add(user.username)
                # Board accounts need the admin to work in the demo; an existing account is
                # never made a superuser behind its owner's back.
                if flags["is_staff"] and not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
            if spec["group"]:
                user.groups.add(self._group(spec["group"]))
            users[user.username] = user
        return users, kept_password

    def _group(self, name):
        try:
            return Group.objects.get(name=name)
        except Group.DoesNotExist as error:
            raise CommandError(
                f'Group "{name}" is missing; run "manage.py migrate" first.'
            ) from error

    def _topics(self):
        topics = {}
        for spec in demo.TOPICS:
            topic, _ = Topic.objects.get_or_create(
                slug=spec["slug"],
                defaults={"name": spec["name"], "description": spec["description"]},
            )
            topics[topic.slug] = topic
        return topics

    def _board(self, users, topics):
        members = {}
        for spec in demo.BOARD:
            member, _ = BoardMember.objects.get_or_create(
                user=users[spec["username"]],
                defaults={
                    "display_name": spec["display_name"],
                    "credentials": spec["credentials"],
                    "bio": spec["bio"],
                    "is_chair": spec.get("is_chair", False),
                },
            )
            member.specialties.add(*(topics[slug] for slug in spec["specialties"]))
            members[spec["username"]] = member
        return members

    def _conflicts(self, users, members):
        for spec in demo.CONFLICTS:
            member = members[spec["member"]]
            subject = {"author": users[spec["author"]]}
            if not ConflictOfInterest.objects.active().filter(member=member, **subject).exists():
                conflict_declare(member=member, actor=member.user, reason=spec["reason"], **subject)

    def _policy(self):
        policy = EditorialPolicy.load()
        if not policy.policy_text.strip():
            policy.policy_text = demo.POLICY_TEXT.format(
                quorum=policy.quorum, re_review_months=policy.re_review_months
            )
            policy.save(update_fields=["policy_text", "updated_at"])

    # Articles --------------------------------------------------------------------------

    def _articles(self, users, topics, members):
        existing = set(
            Article.objects.filter(slug__in=[spec["slug"] for spec in demo.ARTICLES]).values_list(
                "slug", flat=True
            )
        )
        for spec in demo.ARTICLES:
            if spec["slug"] in existing:
                self._say(f"  skipped  {spec['slug']} (already exists)")
                continue
            state = self._create_article(spec, users, topics, members)
            self._say(f"  created  {spec['slug']} ({state})")

    def _create_article(self, spec, users, topics, members):
        author, chair = users["author"], users["chair"]
        content = spec["content"]
        article, revision = article_create(
            slug=spec["slug"],
            topic=topics[spec["topic"]],
            authors=[users[name] for name in spec["authors"]],
            created_by=author,
            **{field: content.get(field, "") for field in CONTENT_FIELDS},
        )
        revision_update_draft(revision=revision, references=_numbered(content["references"]))

        submission, assignments = None, {}
        for step in spec["steps"]:
            action = step["action"]
            if action == "submit":
                submission = submission_submit(
                    article=article, revision=revision, actor=author, note=step.get("note", "")
                )
            elif action == "assign":
                assignments = self._assign(submission, step, users, members)
            elif action == "approve":
                for number, name in enumerate(step["reviewers"]):
                    self._decide(
                        assignments[name],
                        DecisionOutcome.APPROVE,
                        step.get("comment", "") if number == 0 else "",
                    )
            elif action == "request_changes":
                self._decide(
                    assignments[step["reviewer"]], DecisionOutcome.REQUEST_CHANGES, step["comment"]
                )
            elif action == "reject":
                self._decide(assignments[step["reviewer"]], DecisionOutcome.REJECT, step["comment"])
                submission_confirm_reject(submission=submission, actor=chair)
            elif action == "withdraw":
                submission_withdraw(
                    submission=submission, actor=author, comment=step.get("comment", "")
                )
            elif action == "revise":
                changes = dict(step["changes"])
                if "references" in changes:
                    changes["references"] = _numbered(changes["references"])
                revision = revision_draft_for_edit(article=article, actor=author)
                revision_update_draft(revision=revision, **changes)
            elif action == "resubmit":
                submission = submission_resubmit(
                    submission=submission,
                    revision=revision,
                    actor=author,
                    note=step.get("note", ""),
                )
            else:
                raise CommandError(f"{spec['slug']}: unknown step {action!r}")
            if submission is not None:
                submission.refresh_from_db()
        return _describe(article, submission)

    def _assign(self, submission, step, users, members):
        """The chair invites the step's reviewers, as they would from the board view's
        suggestions; the reviewers who accept do so from their queue."""
        chair = users["chair"]
        suggested, _ = reviewer_suggestions(submission)
        suggested = {suggestion.member.pk for suggestion in suggested}
        assignments = {}
        for name in step["reviewers"]:
            member = members[name]
            if member.pk not in suggested:
                raise CommandError(
                    f"{submission.article.slug}: {name} is not among the suggested reviewers."
                )
            assignments[name] = assignment_create(
                submission=submission, reviewer=member, actor=chair
            )
        for name in step.get("accept", step["reviewers"]):
            assignments[name] = assignment_accept(
                assignment=assignments[name], actor=members[name].user
            )
            if step.get("overdue_days"):
                assignments[name] = assignment_set_due_dates(
                    assignment=assignments[name],
                    actor=chair,
                    review_due=timezone.localdate() - datetime.timedelta(days=step["overdue_days"]),
                )
        return assignments

    def _decide(self, assignment, outcome, comment):
        return assignment_decide(
            assignment=assignment,
            actor=assignment.reviewer.user,
            outcome=outcome,
            comment=comment,
            confirmed_no_conflict=True,
        )

    def _related_questions(self):
        articles = Article.objects.in_bulk(
            {slug for pair in demo.RELATED_QUESTIONS for slug in pair[:2]}, field_name="slug"
        )
        for slug, related_slug, position in demo.RELATED_QUESTIONS:
            if slug in articles and related_slug in articles:
                RelatedQuestion.objects.get_or_create(
                    article=articles[slug],
                    related=articles[related_slug],
                    defaults={"position": position},
                )

    # Output ----------------------------------------------------------------------------

    def _say(self, line):
        if self.verbosity >= 1:
            self.stdout.write(line)

    def _print_logins(self, users, kept_password):
        if self.verbosity < 1:
            return
        rows = [("username", "password", "role", "sign in at")]
        for spec in demo.USERS:
            name = spec["username"]
            password = "(unchanged)" if name in kept_password else demo.DEMO_PASSWORD
            rows.append((name, password, spec["role"], spec["sign_in"]))
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (development only):"))
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write("  " + line.rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        article = Article.objects.published().filter(slug=demo.B12_SLUG).first()
        if article is not None:
            self.stdout.write("")
            self.stdout.write(
                "Published example: " + settings.SITE_URL + article.get_absolute_url()
            )


@contextmanager
def _quiet_task_log(verbosity):
    """In development every notification task runs in-process and logs a line; dozens of
    them would drown the progress lines. ``-v 2`` keeps them."""
    logger = logging.getLogger("celery.app.trace")
    level = logger.level
    if verbosity < 2:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _numbered(references):
    """Reference dicts with their position: the demo data numbers them by list order."""
    return [{"position": position, **data} for position, data in enumerate(references, 1)]


def _describe(article, submission):
    if submission is None:
        return "draft, never submitted"
    state = submission.get_state_display().lower()
    article.refresh_from_db(fields=["published_revision"])
    if article.published_revision_id and submission.state != SubmissionState.APPROVED:
        return f"approved; update {state}"
    return state
