import pytest
from django.db import connection

from editorial import services
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BoardMemberFactory,
    ChairFactory,
    ReferenceFactory,
    RevisionFactory,
)

AUDIT_TRIGGERS = ("audit_no_update_delete", "audit_no_truncate")


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request):
    """Transactional tests end with a TRUNCATE of every table, which the append-only
    audit trigger rightly refuses. Enable the triggers before every database test and
    disable them after a transactional one, just for its flush (pytest-django's autouse
    database fixture is set up before this one, so it is torn down after it)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    _set_audit_triggers(enabled=True)
    yield
    if marker.kwargs.get("transaction"):
        _set_audit_triggers(enabled=False)


def _set_audit_triggers(*, enabled):
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for trigger in AUDIT_TRIGGERS:
            cursor.execute(f"ALTER TABLE editorial_auditentry {verb} TRIGGER {trigger}")


@pytest.fixture
def author(db):
    return AuthorFactory(username="author")


@pytest.fixture
def chair(db):
    user = ChairFactory(username="chair")
    BoardMemberFactory(user=user, display_name="Dr. Chair", slug="dr-chair", is_chair=True)
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
