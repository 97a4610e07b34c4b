import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection

from articles import page_cache
from articles.services import revision_draft_for_edit
from editorial import services
from editorial.models import Submission
from tests.factories import (
    TEST_PASSWORD,
    ArticleFactory,
    AuthorFactory,
    BoardMemberFactory,
    ChairFactory,
    ReferenceFactory,
    RevisionFactory,
    SubmissionFactory,
)

pytest_plugins = ["tests.realservices"]


def _instrument_jinja_templates():
    """Django's test runner records what each Django template rendered (``response.context``,
    ``response.templates``: ``instrumented_test_render``); the reader's article page is a
    Jinja2 template (articles/jinja2_env.py), so its renders send the same signal here."""
    from types import SimpleNamespace

    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render
    if getattr(render, "instrumented", False):
        return

    def instrumented(self, context=None, request=None):
        template_rendered.send(
            sender=self, template=SimpleNamespace(name=self.template.name), context=context or {}
        )
        return render(self, context, request)

    instrumented.instrumented = True
    Template.render = instrumented


_instrument_jinja_templates()


@pytest.fixture(scope="session")
def key_file(tmp_path_factory):
    """A signing key for production settings, as an operator would provide one (production
    refuses to start without SIGNING_KEY_FILE)."""
    path = tmp_path_factory.mktemp("keys") / "signing-key.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright's sync API leaves an event loop running in the main
    thread for the rest of the session, where Django refuses synchronous ORM calls."""
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid)


AUDIT_TRIGGERS = ("audit_no_update_delete", "audit_no_truncate")


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request):
    """Transactional tests end with a TRUNCATE of every table, which the append-only
    audit trigger rightly refuses. Enable the triggers at the start of every database test
    and disable them after a transactional one, just for its flush (this fixture depends on
    the database fixture, so it is torn down before the flush)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (transactional or marker or "db" in request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    _set_audit_triggers(enabled=True)
    yield
    if transactional:
        _set_audit_triggers(enabled=False)


def _set_audit_triggers(*, enabled):
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for trigger in AUDIT_TRIGGERS:
            cursor.execute(f"ALTER TABLE editorial_auditentry {verb} TRIGGER {trigger}")


@pytest.fixture(autouse=True)
def _own_rate_limit_buckets(settings):
    """Rate-limit counters live in the shared test Redis for up to an hour: each test
    counts in buckets of its own."""
    settings.RATE_LIMIT_KEY_PREFIX = f"{uuid.uuid4().hex}:"


@pytest.fixture
def seeded_demo(db):
    """The demo of ``make run`` (``manage.py seed_demo``), seeded inside this test's
    transaction. ``tests/demo`` overrides it with one seeding its tests share."""
    call_command("seed_demo", force=True, verbosity=0)


@pytest.fixture
def author(db):
    return AuthorFactory(username="author")


@pytest.fixture
def chair(db):
    user = ChairFactory(username="chair")
    BoardMemberFactory(user=user, display_name="Dr. Chair", slug="dr-chair")
    return user


@pytest.fixture
def article(author):
    return ArticleFactory(authors=[author])


@pytest.fixture
def draft(article):
    """A draft revision with one reference, cited once."""
    revision = RevisionFactory(article=article, number=1)
    ReferenceFactory(revision=revision, position=1)
    return revision


@pytest.fixture
def submitted(article, draft, author):
    return services.submission_submit(article=article, revision=draft, actor=author)


@pytest.fixture
def under_review(submitted, chair):
    return services.submission_start_review(submission=submitted, actor=chair)


# One fixture per state a submission can be in, each reached through the services (except
# a draft, which no service leaves behind: ``submission_submit`` creates and submits at once).


@pytest.fixture
def draft_submission(article, draft, author):
    """A submission row still in ``draft``, pinning the article's unsubmitted revision."""
    return SubmissionFactory(article=article, revision=draft, submitted_by=author)


@pytest.fixture
def changes_requested(under_review, chair):
    return services.submission_request_changes(
        submission=under_review,
        actor=chair,
        comment="Please cite the 2024 guideline.",
        password=TEST_PASSWORD,
    )


@pytest.fixture
def approved(under_review, chair):
    return services.submission_approve(submission=under_review, actor=chair)


@pytest.fixture
def rejected(under_review, chair):
    return services.submission_reject(
        submission=under_review, actor=chair, comment="The evidence does not support this."
    )


@pytest.fixture
def withdrawn(submitted, author):
    return services.submission_withdraw(submission=submitted, actor=author)


@pytest.fixture
def resubmitted(changes_requested, article, author):
    """The submission that was answered with a new revision (its successor is submitted)."""
    revision = revision_draft_for_edit(article=article, actor=author)
    services.submission_resubmit(submission=changes_requested, revision=revision, actor=author)
    return Submission.objects.get(pk=changes_requested.pk)


@pytest.fixture
def disable_trigger(db):
    """Switch one trigger off for the rest of a (non-transactional) test, as a database
    superuser could, to tamper with data the application protects. The test's rollback
    switches it back on. Pending deferred foreign-key checks are run first: PostgreSQL
    refuses ALTER TABLE while any are queued."""

    def disable(table, trigger):
        assert connection.in_atomic_block, "only inside the test's transaction"
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    return disable


# --- The board ------------------------------------------------------------------------


@pytest.fixture
def members(article):
    """Three active reviewers; the first two are specialists in the article's topic."""
    return [
        BoardMemberFactory(
            display_name="Dr. Ada Reyes",
            slug="dr-ada-reyes",
            user__username="reviewer1",
            specialties=[article.topic],
        ),
        BoardMemberFactory(
            display_name="Dr. Ben Okafor",
            slug="dr-ben-okafor",
            user__username="reviewer2",
            specialties=[article.topic],
        ),
        BoardMemberFactory(
            display_name="Dr. Chloe Varga", slug="dr-chloe-varga", user__username="reviewer3"
        ),
    ]


@pytest.fixture
def invited(submitted, members, chair):
    """The first reviewer invited to the submitted submission."""
    return services.assignment_create(submission=submitted, reviewer=members[0], actor=chair)


@pytest.fixture
def accepted(invited):
    """``invited`` accepted: the submission is now under review."""
    return services.assignment_accept(assignment=invited, actor=invited.reviewer.user)


@pytest.fixture(autouse=True)
def _fresh_reader_cache():
    """Each process keeps reader pages in memory; a test starts from a new database state."""
    page_cache.reset()
