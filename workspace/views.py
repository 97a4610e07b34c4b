"""The author workspace: my articles, the editor with its checklist, the preview readers
will get, submit / resubmit / withdraw, and the diff against the version reviewers saw.

Another author's article does not exist here (404 on every URL). State changes are POST
only, under CSRF, and go through ``workspace.commands`` to the editorial services;
their errors come back as a message with the error's status (409, 400, 403).
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from articles.client_ip import client_ip
from articles.diffs import compare_revisions
from articles.presentation import audience_from, reader_context
from articles.services import SLUG_TAKEN_MESSAGE, article_create
from articles.throttle import rate_limited
from editorial.errors import WorkflowError
from editorial.models import SubmissionState
from editorial.services import article_save_draft
from workspace import commands, selectors
from workspace.checks import check_revision
from workspace.forms import (
    AUTHORS_GROUP,
    ArticleForm,
    SubmitForm,
    WithdrawForm,
    reference_formset,
    with_another_reference,
)

FEEDBACK_STATES = (SubmissionState.CHANGES_REQUESTED, SubmissionState.REJECTED)


def author_required(view):
    """Signed in (else to the sign-in page) and a member of Authors (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.groups.filter(name=AUTHORS_GROUP).exists():
            return render(request, "workspace/not_author.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _article_or_404(request, pk):
    article = selectors.author_article(request.user, pk)
    if article is None:
        raise Http404("No article of yours has this number.")
    return article


@dataclass
class Workspace:
    """Everything the article pages show, loaded once per request."""

    article: object
    revision: object
    references: list
    submissions: list
    status: selectors.WorkspaceStatus

    @classmethod
    def load(cls, article):
        revision = selectors.newest_revision(article)
        submissions = selectors.article_submissions(article)
        return cls(
            article=article,
            revision=revision,
            references=list(revision.references.all()) if revision else [],
            submissions=submissions,
            status=selectors.article_status(article, revision=revision, submissions=submissions),
        )

    @property
    def newest(self):
        return self.submissions[0] if self.submissions else None

    @property
    def is_resubmission(self):
        return self.newest is not None and self.newest.state == SubmissionState.CHANGES_REQUESTED

    @property
    def can_submit(self):
        """A new draft exists and nothing is in review (or the board asked for changes)."""
        if self.revision is None or self.revision.is_locked:
            return False
        return self.newest is None or not self.newest.is_open or self.is_resubmission

    @property
    def can_withdraw(self):
        return self.newest is not None and self.newest.is_open

    @property
    def has_diff_base(self):
        """Reviewers have seen an earlier version: "what changed" has something to show."""
        return any(s.revision.number < self.revision.number for s in self.submissions)

    @property
    def version_state(self):
        """What the newest version is, in words, beside its number."""
        revision = self.revision
        if revision.pk == self.article.published_revision_id:
            return "published"
        if not revision.is_locked:
            return "draft"
        if self.status.is_in_review:
            return "with the board, read-only"
        return "submitted, read-only"

    @property
    def feedback_submission(self):
        """The submission whose reviewers' comments the author should see: the newest if
        the board asked for changes or rejected it, else the one it answered."""
        newest = self.newest
        if newest is None:
            return None
        if newest.state in FEEDBACK_STATES:
            return newest
        return next((s for s in self.submissions if s.pk == newest.previous_id), None)

    def checklist(self):
        return check_revision(self.revision, self.references) if self.revision else None

    def context(self):
        feedback_submission = self.feedback_submission
        return {
            "article": self.article,
            "revision": self.revision,
            "references": self.references,
            "submissions": self.submissions,
            "newest": self.newest,
            "status": self.status,
            "checklist": self.checklist(),
            "feedback_submission": feedback_submission,
            "feedback": selectors.reviewer_feedback(feedback_submission),
            "workspace": self,
        }


@author_required
def dashboard(request):
    articles = selectors.author_articles(request.user)
    rows = [(article, selectors.status_of_listed(article)) for article in articles]
    return render(request, "workspace/dashboard.html", {"rows": rows})


@author_required
def article_new(request):
    if request.method == "POST":
        return _editor_post(request, workspace=None)
    return _render_editor(
        request, None, ArticleForm(user=request.user), reference_formset(), status=200
    )


@author_required
def article_detail(request, pk):
    workspace = Workspace.load(_article_or_404(request, pk))
    return _render_detail(request, workspace)


@author_required
def article_edit(request, pk):
    workspace = Workspace.load(_article_or_404(request, pk))
    if workspace.status.is_in_review:
        return _render_locked(request, workspace)
    if request.method == "POST":
        return _editor_post(request, workspace=workspace)
    form = ArticleForm(
        initial=ArticleForm.initial_for(workspace.article, workspace.revision, request.user),
        user=request.user,
        article=workspace.article,
    )
    formset = reference_formset(references=workspace.references)
    return _render_editor(request, workspace, form, formset, status=200)


@author_required
def article_preview(request, pk):
    workspace = Workspace.load(_article_or_404(request, pk))
    context = reader_context(
        article=workspace.article,
        revision=workspace.revision,
        references=workspace.references,
        # The reader's audience form submits to the page it is on, so it works here too.
        audience=audience_from(request.GET.get("audience")),
        preview=True,
    )
    # The way back to the work, shown above the preview (the reader's template takes them
    # as plain links: it knows nothing of the workspace).
    context["preview_links"] = [
        *(
            []
            if workspace.status.is_in_review
            else [("Back to the editor", reverse("author:edit", args=[pk]))]
        ),
        (
            "Checklist and submission" if workspace.can_submit else "Status and history",
            reverse("author:detail", args=[pk]),
        ),
    ]
    response = render(request, "articles/detail.html", context)
    # A preview is not the published page: keep it out of search engines and caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


@author_required
def article_diff(request, pk):
    workspace = Workspace.load(_article_or_404(request, pk))
    base = selectors.diff_base_revision(workspace.article, workspace.revision)
    diffs = None
    if base is not None:
        diffs = compare_revisions(base, workspace.revision, new_references=workspace.references)
    context = {**workspace.context(), "base": base, "diffs": diffs}
    return render(request, "workspace/diff.html", context)


@author_required
@require_POST
def article_submit(request, pk):
    workspace = Workspace.load(_article_or_404(request, pk))
    form = SubmitForm(request.POST, resubmission=workspace.is_resubmission)
    if not form.is_valid():
        messages.error(request, "Not submitted: see the note to reviewers.")
        return _render_detail(request, workspace, submit_form=form, status=400)
    try:
        submission = commands.submit_for_review(
            article=workspace.article, actor=request.user, note=form.cleaned_data["note"]
        )
    except WorkflowError as error:
        messages.error(request, error.message)
        return _render_detail(
            request, Workspace.load(workspace.article), submit_form=form, status=error.status
        )
    messages.success(
        request,
        f"Submitted for review (version {submission.revision.number}). "
        "It cannot be edited while the board reviews it.",
    )
    return redirect("author:detail", pk=workspace.article.pk)


@author_required
@require_POST
def article_withdraw(request, pk):
    workspace = Workspace.load(_article_or_404(request, pk))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not withdrawn: see the form below.")
        return _render_detail(request, workspace, withdraw_form=form, status=400)
    try:
        commands.withdraw_from_review(
            article=workspace.article, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as error:
        messages.error(request, error.message)
        return _render_detail(request, Workspace.load(workspace.article), status=error.status)
    messages.success(request, "Withdrawn from review. Edit the article to start a new draft.")
    return redirect("author:detail", pk=workspace.article.pk)


def _editor_post(request, *, workspace):
    article = workspace.article if workspace else None
    if request.POST.get("action") == "add_reference":
        # Nothing is saved: the page comes back with one more empty reference slot.
        initial = {**request.POST.dict(), "related": request.POST.getlist("related")}
        form = ArticleForm(initial=initial, user=request.user, article=article)
        formset = reference_formset(with_another_reference(request.POST))
        if formset.forms:
            formset.forms[-1].fields["title"].widget.attrs["autofocus"] = True
        return _render_editor(request, workspace, form, formset, status=200)
    form = ArticleForm(request.POST, user=request.user, article=article)
    formset = reference_formset(request.POST)
    form_valid, formset_valid = form.is_valid(), formset.is_valid()
    if not (form_valid and formset_valid):
        messages.error(request, "Nothing was saved: correct the marked fields.")
        return _render_editor(request, workspace, form, formset, status=400)
    fields = {
        "content": form.content(),
        "references": formset.references(),
        "topic": form.cleaned_data["topic"],
        "authors": form.authors(),
        "slug": form.new_slug(),
        "related": form.cleaned_data["related"],
    }
    try:
        if article is None:
            article, _ = article_create(
                created_by=request.user,
                topic=fields["topic"],
                authors=fields["authors"],
                references=fields["references"],
                slug=fields["slug"],
                related=fields["related"],
                **fields["content"],
            )
        else:
            article_save_draft(article=article, actor=request.user, **fields)
    except WorkflowError as error:
        messages.error(request, f"Nothing was saved. {error.message}")
        return _render_editor(request, workspace, form, formset, status=error.status)
    except (ValidationError, IntegrityError) as error:
        # Another author took the web address, or submitted the article, between the
        # form's checks and the save.
        problems = {"slug": [SLUG_TAKEN_MESSAGE]}
        if isinstance(error, ValidationError):
            problems = error.message_dict if hasattr(error, "error_dict") else {}
            problems = problems or {None: error.messages}
        for name, errors in problems.items():
            form.add_error(name if name in form.fields else None, errors)
        messages.error(request, "Nothing was saved: correct the marked fields.")
        return _render_editor(request, workspace, form, formset, status=409)
    messages.success(
        request,
        "Draft saved. The checklist below is for this draft: it lists what to fix before "
        "you can submit.",
    )
    return redirect(reverse("author:edit", kwargs={"pk": article.pk}) + "#checklist")


def _render_editor(request, workspace, form, formset, *, status):
    context = workspace.context() if workspace else {}
    context.update({"form": form, "formset": formset})
    return render(request, "workspace/edit.html", context, status=status)


def _render_detail(request, workspace, *, submit_form=None, withdraw_form=None, status=200):
    context = workspace.context()
    context["submit_form"] = submit_form or SubmitForm(resubmission=workspace.is_resubmission)
    context["withdraw_form"] = withdraw_form or WithdrawForm()
    return render(request, "workspace/detail.html", context, status=status)


def _render_locked(request, workspace):
    messages.error(
        request,
        f"This article is {workspace.status.label.lower()}: it cannot be edited while the "
        "board reviews it. Withdraw it first if it must change now.",
    )
    return _render_detail(request, workspace, status=409)


class SignInView(LoginView):
    """Django's sign-in, landing on the author's articles unless ``next`` says otherwise."""

    redirect_authenticated_user = True
    next_page = reverse_lazy("author:dashboard")
    # The auth views put the request's host in ``site_name``; the pages show ours.
    extra_context = {"site_name": settings.SITE_NAME}


class RateLimitedPasswordResetView(PasswordResetView):
    """Django's password reset, with requests limited per client address and per account
    (the email asked for): over either limit the form says so (429) and sends nothing."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        limits = (
            ("reset-address", client_ip(self.request), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
            ("reset-account", email, settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT),
        )
        if any(
            rate_limited(bucket=bucket, key=key, limit=limit, window_seconds=3600)
            for bucket, key, limit in limits
        ):
            form.add_error(
                None, "Too many password-reset requests. Please wait an hour and try again."
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
