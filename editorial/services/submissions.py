"""Submissions: send a revision to the board, take it back, move it through review, and
send a published article back for re-review."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import stored_html
from articles.models import Article, ReCheck, Reference, Revision
from articles.services import DRAFT_LENIENT_REFERENCE_FIELDS
from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import InvalidInput, TransitionNotAllowed
from editorial.models import SignatureMeaning, Submission, SubmissionKind, SubmissionState
from editorial.notifications import compose
from editorial.services import _core, signatures


def _create_submission(
    *, article, revision, actor, submitted_by, kind, note, action, previous=None, re_check=""
):
    """Freeze ``revision`` and create its submission in ``submitted``, with its one audit
    entry (``action``) and the article's public status, and store its rendered HTML (the
    reader page serves that from now on). The caller checks who may submit.
    Returns (submission, entry)."""
    revision.lock()
    stored_html.revision_store_rendered(revision)
    submission = Submission(
        article=article,
        revision=revision,
        content_hash=revision.content_hash,
        kind=kind,
        previous=previous,
        author_note=note,
        submitted_by=submitted_by,
    )
    _core.check_state(submission, "submit")
    submission.submit()
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as error:
        raise TransitionNotAllowed("This article already has a submission in review.") from error
    entry = audit_record(
        actor=actor,
        action=action,
        target=submission,
        article=article,
        # A resubmission answers changes requested; anything else starts as a draft.
        from_state=SubmissionState.CHANGES_REQUESTED if previous else SubmissionState.DRAFT,
        to_state=submission.state,
        comment=note,
        data={
            "revision": revision.number,
            "content_hash": revision.content_hash,
            **({"previous_submission": previous.pk} if previous else {}),
        },
    )
    # Readers are told why the board is looking again; a new version clears the reason.
    _core.set_public_status(submission, re_check=re_check)
    return submission, entry


def _check_revision(article, revision):
    if revision.article_id != article.pk:
        raise InvalidInput("That revision belongs to another article.")
    latest = article.revisions.order_by("-number").values_list("pk", flat=True).first()
    if revision.pk != latest:
        raise InvalidInput("Only the newest revision of an article can be submitted.")
    if revision.is_locked:
        raise TransitionNotAllowed("This revision has already been submitted.")
    if not (revision.title.strip() and revision.summary.strip() and revision.body.strip()):
        raise InvalidInput("A revision needs a question, a summary and a body to be submitted.")
    _check_references(revision)


# Everything of a reference but these was validated when the draft was saved.
_NOT_LENIENT = [
    f.name for f in Reference._meta.fields if f.name not in DRAFT_LENIENT_REFERENCE_FIELDS
]


def _check_references(revision):
    """A draft keeps a malformed DOI or PMID, or a year in the future, as typed (the
    workspace's checklist lists them); no revision is submitted with one, whichever way
    it is submitted (the workspace, the API, a script)."""
    this_year = timezone.localdate().year
    problems = []
    for reference in revision.references.order_by("position"):
        try:
            reference.clean_fields(exclude=_NOT_LENIENT)
        except ValidationError as error:
            problems += [
                f"reference {reference.position}: {message}"
                for messages in error.message_dict.values()
                for message in messages
            ]
        if reference.year and reference.year > this_year:
            problems.append(f"reference {reference.position}: {reference.year} is in the future.")
    if problems:
        raise InvalidInput("Fix the references before submitting: " + " ".join(problems))


def submission_submit(*, article, revision, actor, note=""):
    """Send a draft revision to review. Locks (freezes) the revision. Side effects: audit
    entry ``submission.submit``; notification on commit."""
    with _core.nestable_atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if article.submissions.open().exists():
            raise TransitionNotAllowed("This article already has a submission in review.")
        _check_revision(article, revision)
        _core.check_permission(Submission(article=article), "submit", actor)
        kind = SubmissionKind.UPDATE if article.published_revision_id else SubmissionKind.NEW
        submission, entry = _create_submission(
            article=article,
            revision=revision,
            actor=actor,
            submitted_by=actor,
            kind=kind,
            note=note,
            action=AuditAction.SUBMISSION_SUBMIT,
        )
        _core.notify_authors(entry, submission)
    return submission


def submission_resubmit(*, submission, revision, actor, note=""):
    """Answer "changes requested" with a new revision: the old submission becomes
    ``resubmitted`` and a new one, pinning ``revision``, is ``submitted``. One audit entry."""
    with _core.nestable_atomic():
        locked = _core.lock(submission)
        _core.check(locked, "resubmit", actor)
        _check_revision(locked.article, revision)
        locked.resubmit()
        locked.save(update_fields=["state", "updated_at"])
        new, entry = _create_submission(
            article=locked.article,
            revision=revision,
            actor=actor,
            submitted_by=actor,
            kind=SubmissionKind.RESUBMISSION,
            note=note,
            action=AuditAction.SUBMISSION_RESUBMIT,
            previous=locked,
        )
        _core.notify_authors(entry, new)
    return new


def submission_start_review(*, submission, actor):
    """Move a submitted revision into review. Side effects: audit entry, notification."""
    with _core.atomic():
        locked = _core.lock(submission)
        _core.check(locked, "start_review", actor)
        return _do_start_review(submission=locked, actor=actor)


def _do_start_review(*, submission, actor):
    """``submission_start_review`` for a caller holding the lock, whose own step (the first
    acceptance of an invitation) is what starts the review."""
    _core.require_transaction()
    entry = _core.transition(submission=submission, name="start_review", actor=actor)
    _core.notify_authors(entry, submission)
    return submission


def submission_request_changes(*, submission, actor, comment, password):
    """The chair sends the submission back to its authors with ``comment`` (required),
    e-signed with the chair's re-entered ``password`` like every decision. Side effects:
    audit entry ``submission.request_changes``; the authors are told (outbox)."""
    _core.require_comment(comment, "request changes")
    meaning = SignatureMeaning.REQUEST_CHANGES
    signatures.authenticate(actor=actor, password=password, submission=submission, meaning=meaning)
    with _core.atomic():
        locked = _core.lock(submission)
        _core.check(locked, "request_changes", actor)
        signatures.sign(actor=actor, meaning=meaning, submission=locked)
        return _do_request_changes(submission=locked, actor=actor, comment=comment)


def _do_request_changes(*, submission, actor, comment):
    """``submission_request_changes`` for a caller holding the lock: a reviewer's decision
    to request changes is what sends it back."""
    _core.require_transaction()
    entry = _core.transition(
        submission=submission, name="request_changes", actor=actor, comment=comment
    )
    _core.notify_authors(entry, submission)
    return submission


def submission_reject(*, submission, actor, comment):
    """Reject the submission with ``comment`` (required). An approved earlier revision
    stays live."""
    _core.require_comment(comment, "reject")
    with _core.atomic():
        locked = _core.lock(submission)
        _core.check(locked, "reject", actor)
        entry = _core.transition(submission=locked, name="reject", actor=actor, comment=comment)
        _core.notify_authors(entry, locked)
    return locked


def submission_withdraw(*, submission, actor, comment=""):
    """The author (or the chair) takes the submission out of review."""
    with _core.atomic():
        locked = _core.lock(submission)
        _core.check(locked, "withdraw", actor)
        entry = _core.transition(submission=locked, name="withdraw", actor=actor, comment=comment)
        _core.notify_authors(entry, locked)
    return locked


def submission_open_re_review(*, article, reason, actor=None, cause=ReCheck.SCHEDULED):
    """Send the live (approved) revision back to the board: a ``re_review`` submission of
    the published revision. ``actor`` is None when the sweep does it because the next review
    is due; the chair is the actor when a reader's error report was found valid. Side
    effects: one audit entry; the chairs are told (outbox). Refused if the article is not
    published or already has a submission in review."""
    with _core.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        return _do_open_re_review(article=article, reason=reason, actor=actor, cause=cause)


def _do_open_re_review(
    *, article, reason, actor, cause, action=AuditAction.SUBMISSION_OPEN_RE_REVIEW
):
    """``submission_open_re_review`` for a caller that has locked ``article`` (triage of a
    reader's report, the retraction sweep)."""
    _core.require_transaction()
    if article.published_revision_id is None:
        raise TransitionNotAllowed("Only a published article can be re-reviewed.")
    if article.submissions.open().exists():
        raise TransitionNotAllowed("This article already has a submission in review.")
    submission, entry = _create_submission(
        article=article,
        revision=article.published_revision,
        actor=actor,
        # The system (actor None) opens scheduled re-reviews: nobody submitted them.
        submitted_by=actor,
        kind=SubmissionKind.RE_REVIEW,
        note=reason,
        action=action,
        re_check=cause,
    )
    compose.queue_re_review(entry=entry, submission=submission)
    return submission
