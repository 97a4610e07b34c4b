"""Submitted revisions never change (DESIGN invariants 1 and 2): the model, a PostgreSQL
trigger and the admin refuse; the content hash pins what was submitted and approval checks
it; editing an approved article makes a new revision while the approved one stays live."""

import hashlib
import json

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from articles.models import (
    Article,
    Reference,
    ReferenceKind,
    ReviewStatus,
    Revision,
    RevisionLocked,
)
from articles.services import revision_draft_for_edit, revision_update_draft
from editorial import services
from editorial.errors import TransitionNotAllowed
from editorial.models import AuditEntry, Submission, SubmissionState
from tests.factories import (
    ArticleFactory,
    ReferenceFactory,
    RevisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def row(revision):
    return Revision.objects.filter(pk=revision.pk).values().get()


def reference_rows(revision):
    return list(Reference.objects.filter(revision=revision).order_by("position").values())


def raw(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def locked(submitted):
    """The revision the ``submitted`` fixture sent to review, as saved."""
    return Revision.objects.get(pk=submitted.revision_id)


# --- the model refuses ------------------------------------------------------------------


def test_submitting_locks_the_revision(locked, submitted):
    assert locked.is_locked
    assert locked.locked_at is not None
    assert len(locked.content_hash) == 64
    assert submitted.content_hash == locked.content_hash


def test_a_locked_revision_cannot_be_saved(locked):
    before = row(locked)
    locked.title = "A quietly different question?"

    with pytest.raises(RevisionLocked):
        locked.save()
    with pytest.raises(RevisionLocked):
        locked.save(update_fields=["title"])

    assert row(locked) == before


def test_a_stale_copy_loaded_before_the_lock_cannot_be_saved_either(article, draft, author):
    stale = Revision.objects.get(pk=draft.pk)
    services.submission_submit(article=article, revision=draft, actor=author)
    before = row(draft)

    stale.body = "Rewritten after submission."
    with pytest.raises(RevisionLocked):
        stale.save()

    assert row(draft) == before


def test_a_locked_revision_cannot_be_deleted(locked):
    with pytest.raises(RevisionLocked):
        locked.delete()

    assert Revision.objects.filter(pk=locked.pk).exists()


def test_references_of_a_locked_revision_cannot_be_saved_deleted_or_added(locked):
    before = reference_rows(locked)
    reference = locked.references.get()

    reference.title = "A different guideline"
    with pytest.raises(RevisionLocked):
        reference.save()
    with pytest.raises(RevisionLocked):
        reference.delete()
    with pytest.raises(RevisionLocked):
        Reference.objects.create(
            revision=locked,
            position=2,
            kind=ReferenceKind.RESEARCH,
            title="Added later",
            source="Journal",
            year=2020,
        )
    with pytest.raises(RevisionLocked):
        ReferenceFactory(revision=locked, position=3)

    assert reference_rows(locked) == before


def test_the_draft_service_refuses_a_locked_revision(locked):
    before = row(locked)

    with pytest.raises(RevisionLocked):
        revision_update_draft(revision=locked, title="New question?")

    assert row(locked) == before


# --- the database refuses -------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE articles_revision SET body = 'tampered' WHERE id = %(revision)s",
        "UPDATE articles_revision SET locked_at = NULL WHERE id = %(revision)s",
        "DELETE FROM articles_revision WHERE id = %(revision)s",
        "UPDATE articles_reference SET title = 'tampered' WHERE revision_id = %(revision)s",
        "UPDATE articles_reference SET revision_id = %(draft)s WHERE revision_id = %(revision)s",
        "UPDATE articles_reference SET revision_id = %(revision)s WHERE revision_id = %(draft)s",
        "DELETE FROM articles_reference WHERE revision_id = %(revision)s",
        """INSERT INTO articles_reference (revision_id, position, kind, title, source, year,
                                           doi, pmid, url)
           VALUES (%(revision)s, 9, 'other', 'smuggled', 'nowhere', 2020, '', '', '')""",
    ],
)
def test_raw_sql_cannot_change_a_locked_revision_or_its_references(statement, locked, author):
    other_draft = RevisionFactory(article=ArticleFactory(authors=[author]), number=1)
    ReferenceFactory(revision=other_draft, position=1)
    before = (row(locked), reference_rows(locked), reference_rows(other_draft))

    with pytest.raises(DatabaseError, match="submitted"), transaction.atomic():
        raw(statement, {"revision": locked.pk, "draft": other_draft.pk})

    assert (row(locked), reference_rows(locked), reference_rows(other_draft)) == before


def test_raw_sql_may_still_edit_a_draft(draft):
    with transaction.atomic():
        raw("UPDATE articles_revision SET body = 'edited' WHERE id = %s", [draft.pk])
        raw("UPDATE articles_reference SET year = 2001 WHERE revision_id = %s", [draft.pk])

    assert row(draft)["body"] == "edited"
    assert [ref["year"] for ref in reference_rows(draft)] == [2001]


def test_the_locking_update_itself_is_allowed(draft):
    draft.lock()

    saved = row(draft)
    assert saved["locked_at"] is not None
    assert saved["content_hash"] == draft.compute_content_hash()
    assert len(saved["content_hash"]) == 64


def test_locking_twice_changes_nothing(locked):
    before = row(locked)

    locked.lock()

    assert row(locked) == before


# --- the admin refuses ----------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_admin_will_not_change_a_locked_revision(locked, superuser):
    model_admin = admin_site._registry[Revision]
    request = RequestFactory().get("/admin/")
    request.user = superuser

    assert model_admin.has_change_permission(request, locked) is False
    assert model_admin.has_delete_permission(request, locked) is False
    assert model_admin.has_view_permission(request, locked) is True


def test_the_admin_may_change_a_draft(draft, superuser):
    model_admin = admin_site._registry[Revision]
    request = RequestFactory().get("/admin/")
    request.user = superuser

    assert model_admin.has_change_permission(request, draft) is True


def test_posting_to_a_locked_revisions_admin_page_changes_nothing(client, locked, superuser):
    client.force_login(superuser)
    url = reverse("admin:articles_revision_change", args=[locked.pk])
    before = (row(locked), reference_rows(locked))

    assert client.get(url).status_code == 200  # shown read-only
    response = client.post(
        url,
        {
            "title": "Changed in the admin?",
            "summary": "Changed.",
            "body": "Changed.",
            "patient_body": "",
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 403
    assert (row(locked), reference_rows(locked)) == before


# --- the content hash -------------------------------------------------------------------


def make_revision(**content):
    article = ArticleFactory()
    revision = RevisionFactory(
        article=article,
        number=1,
        title=content.get("title", "Does coffee raise blood pressure?"),
        summary=content.get("summary", "Briefly, a little [1]."),
        body=content.get("body", "Caffeine raises it for a few hours [1]."),
        patient_body=content.get("patient_body", "Coffee can raise it for a while."),
    )
    ReferenceFactory(
        revision=revision,
        position=1,
        kind=ReferenceKind.SYSTEMATIC_REVIEW,
        title="Coffee and blood pressure",
        source="Journal of Hypertension",
        year=2021,
        doi="10.1000/coffee",
        pmid="1234567",
        url="https://example.org/coffee",
    )
    return revision


# The hash of make_revision()'s content. Every submission pins a hash like it: if this
# changes, every stored hash stops matching its revision and no approval verifies.
COFFEE_HASH = "60ee4cf8df0086c9f681b50a94a6bc8077aa878af0949c31cfa4b98e38b04795"


def test_the_hash_is_stable_for_the_same_content():
    first, second = make_revision(), make_revision()
    reloaded = Revision.objects.get(pk=first.pk)

    assert first.compute_content_hash() == COFFEE_HASH
    assert second.compute_content_hash() == COFFEE_HASH, "another article, the same content"
    assert reloaded.compute_content_hash() == COFFEE_HASH, "as read back from the database"


def test_the_hash_is_sha256_of_the_canonical_json_anyone_can_recompute():
    content = {
        "title": "Does coffee raise blood pressure?",
        "summary": "Briefly, a little [1].",
        "body": "Caffeine raises it for a few hours [1].",
        "patient_body": "Coffee can raise it for a while.",
        "references": [
            {
                "position": 1,
                "kind": "systematic_review",
                "title": "Coffee and blood pressure",
                "source": "Journal of Hypertension",
                "year": 2021,
                "doi": "10.1000/coffee",
                "pmid": "1234567",
                "url": "https://example.org/coffee",
            }
        ],
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == COFFEE_HASH


@pytest.mark.parametrize("field", ["title", "summary", "body", "patient_body"])
def test_the_hash_changes_with_every_reader_visible_field(field):
    revision = make_revision()
    before = revision.compute_content_hash()

    revision_update_draft(revision=revision, **{field: getattr(revision, field) + " "})

    assert revision.compute_content_hash() != before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("position", 2),
        ("kind", ReferenceKind.GUIDELINE),
        ("title", "Coffee and blood pressure."),
        ("source", "Hypertension"),
        ("year", 2022),
        ("doi", "10.1000/coffee2"),
        ("pmid", "7654321"),
        ("url", "https://example.org/coffee2"),
    ],
)
def test_the_hash_changes_with_every_reference_field(field, value):
    revision = make_revision()
    before = revision.compute_content_hash()
    [reference] = revision.references.values()
    reference = {key: reference[key] for key in Reference().canonical()}

    revision_update_draft(revision=revision, references=[{**reference, field: value}])

    assert revision.compute_content_hash() != before


def test_the_hash_changes_when_a_reference_is_added_or_reordered():
    revision = make_revision()
    [reference] = [ref.canonical() for ref in revision.references.all()]
    other = {**reference, "position": 2, "title": "Another study", "doi": "10.1000/other"}
    hashes = [revision.compute_content_hash()]

    revision_update_draft(revision=revision, references=[reference, other])
    hashes.append(revision.compute_content_hash())
    revision_update_draft(
        revision=revision,
        references=[{**reference, "position": 2}, {**other, "position": 1}],
    )
    hashes.append(revision.compute_content_hash())

    assert len(set(hashes)) == 3


def test_the_submission_pins_the_hash_of_what_was_submitted(article, draft, author):
    expected = draft.compute_content_hash()

    submission = services.submission_submit(article=article, revision=draft, actor=author)

    assert submission.content_hash == expected
    assert Revision.objects.get(pk=draft.pk).content_hash == expected
    assert AuditEntry.objects.get(action="submission.submit").data["content_hash"] == expected


@pytest.mark.parametrize(
    ("table", "trigger", "statement"),
    [
        (
            "articles_revision",
            "revision_immutable",
            "UPDATE articles_revision SET body = body || ' (edited)' WHERE id = %s",
        ),
        (
            "articles_reference",
            "reference_immutable",
            "UPDATE articles_reference SET doi = '10.1000/elsewhere' WHERE revision_id = %s",
        ),
    ],
    ids=["body", "reference"],
)
def test_approval_refuses_content_that_no_longer_matches_its_hash(
    table, trigger, statement, under_review, chair, disable_trigger
):
    disable_trigger(table, trigger)
    raw(statement, [under_review.revision_id])
    audit_before = AuditEntry.objects.count()

    with pytest.raises(TransitionNotAllowed, match="no longer matches"):
        services.submission_approve(submission=under_review, actor=chair)

    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.UNDER_REVIEW
    assert AuditEntry.objects.count() == audit_before
    article = Article.objects.get(pk=under_review.article_id)
    assert article.published_revision is None
    assert article.review_status == ReviewStatus.UNDER_REVIEW


# --- the approved revision stays live -----------------------------------------------------


@pytest.fixture
def published(approved):
    """The article with revision 1 approved and live."""
    return Article.objects.get(pk=approved.article_id)


def test_editing_an_approved_article_makes_a_new_draft_with_copied_references(published, author):
    approved_revision = published.published_revision
    approved_before = (row(approved_revision), reference_rows(approved_revision))

    draft = revision_draft_for_edit(article=published, actor=author)

    assert draft.pk != approved_revision.pk
    assert draft.number == approved_revision.number + 1
    assert not draft.is_locked
    assert [ref.canonical() for ref in draft.references.all()] == [
        ref.canonical() for ref in approved_revision.references.all()
    ]
    assert revision_draft_for_edit(article=published, actor=author) == draft, (
        "the same draft until it is submitted"
    )
    revision_update_draft(
        revision=draft,
        title="Updated question?",
        body="Updated body [1].",
        references=[{**draft.references.get().canonical(), "title": "Updated guideline"}],
    )

    assert (row(approved_revision), reference_rows(approved_revision)) == approved_before
    assert approved_revision.compute_content_hash() == approved_revision.content_hash
    assert Article.objects.get(pk=published.pk).published_revision_id == approved_revision.pk


def test_the_approved_revision_stays_live_while_its_successor_is_reviewed(
    client, published, author, chair
):
    first = published.published_revision
    second = revision_draft_for_edit(article=published, actor=author)
    revision_update_draft(revision=second, title="What changed in the 2025 guidance?")
    update = services.submission_submit(article=published, revision=second, actor=author)
    update = services.submission_start_review(submission=update, actor=chair)

    article = Article.objects.get(pk=published.pk)
    assert article.published_revision_id == first.pk
    assert article.review_status == ReviewStatus.UNDER_REVIEW
    assert article.update_under_review is True
    page = client.get(f"/articles/{published.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert first.title in html
    assert "What changed in the 2025 guidance?" not in html
    assert page.context["revision"].pk == first.pk

    services.submission_approve(submission=update, actor=chair)

    article = Article.objects.get(pk=published.pk)
    assert article.published_revision_id == second.pk
    assert article.review_status == ReviewStatus.APPROVED
    assert article.update_under_review is False
    html = client.get(f"/articles/{published.slug}/").content.decode()
    assert "What changed in the 2025 guidance?" in html
    assert first.title not in html


def test_a_rejected_update_leaves_the_approved_revision_live(client, published, author, chair):
    first = published.published_revision
    second = revision_draft_for_edit(article=published, actor=author)
    revision_update_draft(revision=second, title="A rejected rewrite?")
    update = services.submission_submit(article=published, revision=second, actor=author)
    update = services.submission_start_review(submission=update, actor=chair)

    services.submission_reject(submission=update, actor=chair, comment="Not an improvement.")

    article = Article.objects.get(pk=published.pk)
    assert article.published_revision_id == first.pk
    assert article.review_status == ReviewStatus.APPROVED
    html = client.get(f"/articles/{published.slug}/").content.decode()
    assert first.title in html
    assert "A rejected rewrite?" not in html
