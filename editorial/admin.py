"""The editorial office in the Django admin: the reviewer's queue (the assignment list),
the review screen of one assignment, the chair's board view, submissions with their
workflow buttons, the editorial policy, decisions and the audit log.

Every button POSTs (with CSRF) to a small view that calls one service; errors come back as
admin messages, forms with errors are shown again with status 400. Reviewers see only
their own assignments and what those pin; anything else is 404 to them."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_fsm import has_transition_perm

from articles.admin import ArticleAdmin, FeedbackAdmin, RevisionAdmin, RevisionInline
from articles.models import Article, Feedback, FeedbackKind, FeedbackStatus, Revision
from editorial import selectors, services
from editorial.errors import NotPermitted, WorkflowError
from editorial.forms import (
    ConfirmRejectForm,
    DecisionForm,
    OverrideForm,
    ReasonForm,
    RequiredReasonForm,
    ReviewerChoiceForm,
)
from editorial.models import (
    Assignment,
    AssignmentState,
    AuditEntry,
    Decision,
    DecisionOutcome,
    EditorialPolicy,
    Notification,
    Submission,
)
from editorial.roles import is_chair


def render_audit_trail(article_id):
    """The article's audit trail, newest first, as HTML for a read-only admin field."""
    entries = selectors.article_audit_trail(article_id)
    return render_to_string("admin/editorial/_audit_trail.html", {"entries": entries})


NOTIFICATIONS_SHOWN = 50


def render_notifications(*, changelist_filter, **about):
    """The outbox rows about one object, newest first, as HTML for a read-only admin field;
    one query whatever their number."""
    if not any(obj is not None and obj.pk for obj in about.values()):
        return "—"  # an object being added has none
    notifications = selectors.notifications_about(**about, limit=NOTIFICATIONS_SHOWN)
    return render_to_string(
        "admin/editorial/_notifications.html",
        {
            "notifications": notifications,
            "shown": NOTIFICATIONS_SHOWN,
            "changelist_url": reverse("admin:editorial_notification_changelist")
            + f"?{changelist_filter}",
        },
    )


class ReadOnlyAdminMixin:
    """Records nobody edits in the admin (decisions, the audit log, the outbox): those who
    may view them only read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NotificationsFieldMixin:
    """The ``notifications`` field only for those who may read the outbox (the chair): the
    rows name other people's addresses."""

    def _without_notifications(self, request, fields):
        if request.user.has_perm("editorial.view_notification"):
            return fields
        return [name for name in fields if name != "notifications"]

    def get_fields(self, request, obj=None):
        return self._without_notifications(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._without_notifications(request, super().get_readonly_fields(request, obj))


class NotFoundForOthersMixin:
    """An object outside ``get_queryset`` (someone else's work) is 404, not the admin's
    usual redirect to the index."""

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


def _safe_next(request, default):
    target = request.GET.get("next") or request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _run(request, service, success, **kwargs):
    """Call a service; a refusal becomes an error message (NotPermitted: 403)."""
    try:
        result = service(**kwargs)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except WorkflowError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


# --- Submissions and the chair's board view -----------------------------------------------


def _override(outcome):
    def run(*, submission, actor, comment=""):
        return services.submission_override(
            submission=submission, actor=actor, outcome=outcome, reason=comment
        )

    return run


# Buttons on a submission's page: name → (label, service, needs a comment, fsm transition
# whose permission shows the button). Approving or rejecting from here is an override.
TRANSITION_BUTTONS = {
    "start_review": ("Start review", services.submission_start_review, False, "start_review"),
    "request_changes": (
        "Request changes",
        services.submission_request_changes,
        True,
        "request_changes",
    ),
    "approve": (
        "Approve (override: reason required)",
        _override(DecisionOutcome.APPROVE),
        True,
        "approve",
    ),
    "reject": (
        "Reject (override: reason required)",
        _override(DecisionOutcome.REJECT),
        True,
        "reject",
    ),
    "confirm_reject": (
        "Confirm the reviewer's rejection",
        services.submission_confirm_reject,
        False,
        "reject",
    ),
    "withdraw": ("Withdraw", services.submission_withdraw, False, "withdraw"),
}


def _button_urls(admin_view, model_name, buttons):
    """One POST-only admin URL ``<pk>/<name>/`` per button, named
    ``editorial_<model_name>_<name>``: a button changes state, so a GET must not."""
    return [
        path(
            f"<int:pk>/{name}/",
            admin_view(require_POST(button)),
            name=f"editorial_{model_name}_{name.replace('-', '_')}",
        )
        for name, button in buttons.items()
    ]


@admin.register(Submission)
class SubmissionAdmin(NotificationsFieldMixin, NotFoundForOthersMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "state", "submitted_by", "submitted_at", "decided_at"]
    list_filter = ["state", "kind", "article__topic"]
    search_fields = ["article__slug", "revision__title"]
    list_select_related = ["article", "revision", "submitted_by"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "article",
        "revision",
        "content_hash",
        "kind",
        "state",
        "previous",
        "author_note",
        "submitted_by",
        "submitted_at",
        "decided_at",
        "assignments_summary",
        "notifications",
        "audit_trail",
    ]
    fields = readonly_fields
    change_form_template = "admin/editorial/submission/change_form.html"

    def get_queryset(self, request):
        return selectors.submissions_visible_to(request.user).select_related(
            "article", "revision", "submitted_by"
        )

    def has_add_permission(self, request):
        return False  # authors submit from their workspace; the admin moves what exists

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        buttons = {
            "assign": self.assign_view,
            "override": self.override_view,
            "confirm-reject": self.confirm_reject_view,
        }
        return [
            path("board/", view(self.board_view), name="editorial_board"),
            path(
                "<int:pk>/transition/<str:name>/",
                view(require_POST(self.transition_view)),
                name="editorial_submission_transition",
            ),
            *_button_urls(view, "submission", buttons),
            *super().get_urls(),
        ]

    def _chair_only(self, request):
        if not is_chair(request.user):
            raise PermissionDenied("The board view is the chair's.")

    def board_view(self, request):
        self._chair_only(request)
        context = {
            **self.admin_site.each_context(request),
            **selectors.board_overview(),
            "title": "Board view",
            "opts": self.model._meta,
            "today": timezone.localdate(),
            "override_choices": OverrideForm.base_fields["outcome"].choices,
        }
        return TemplateResponse(request, "admin/editorial/submission/board.html", context)

    def _board_redirect(self, request):
        return HttpResponseRedirect(_safe_next(request, reverse("admin:editorial_board")))

    @staticmethod
    def _form_errors(request, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)

    def assign_view(self, request, pk):
        self._chair_only(request)
        submission = get_object_or_404(Submission, pk=pk)
        form = ReviewerChoiceForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._board_redirect(request)
        reviewer = form.cleaned_data["reviewer"]
        _run(
            request,
            services.assignment_create,
            f"{reviewer.display_name} is invited to review.",
            submission=submission,
            reviewer=reviewer,
            actor=request.user,
            response_due=form.cleaned_data["response_due"],
        )
        return self._board_redirect(request)

    def override_view(self, request, pk):
        self._chair_only(request)
        submission = get_object_or_404(Submission, pk=pk)
        form = OverrideForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._board_redirect(request)
        _run(
            request,
            services.submission_override,
            "Override recorded.",
            submission=submission,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
        return self._board_redirect(request)

    def confirm_reject_view(self, request, pk):
        self._chair_only(request)
        submission = get_object_or_404(Submission, pk=pk)
        form = ConfirmRejectForm(request.POST)
        form.is_valid()
        _run(
            request,
            services.submission_confirm_reject,
            "Rejection confirmed.",
            submission=submission,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
        return self._board_redirect(request)

    def transition_view(self, request, pk, name):
        submission = get_object_or_404(self.get_queryset(request), pk=pk)
        if name not in TRANSITION_BUTTONS or not self.has_view_permission(request, submission):
            raise PermissionDenied
        label, service, needs_comment, _ = TRANSITION_BUTTONS[name]
        kwargs = {"submission": submission, "actor": request.user}
        comment = request.POST.get("comment", "").strip()
        if needs_comment or comment:
            kwargs["comment"] = comment
        _run(request, service, f"{label}: done.", **kwargs)
        return HttpResponseRedirect(reverse("admin:editorial_submission_change", args=[pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["transition_buttons"] = [
                {"name": name, "label": label, "needs_comment": needs_comment}
                for name, (label, _, needs_comment, transition) in TRANSITION_BUTTONS.items()
                if has_transition_perm(getattr(obj, transition), request.user)
                and (name != "confirm_reject" or obj.decisions.filter(outcome="reject").exists())
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="Reviewers")
    def assignments_summary(self, obj):
        assignments = obj.assignments.select_related("reviewer", "decision").order_by("pk")
        return render_to_string(
            "admin/editorial/_assignments_summary.html", {"assignments": assignments}
        )

    @admin.display(description="Notifications (newest first)")
    def notifications(self, obj):
        return render_notifications(
            submission=obj, changelist_filter=f"submission__id__exact={obj.pk}"
        )

    @admin.display(description="Audit trail of the article (newest first)")
    def audit_trail(self, obj):
        return render_audit_trail(obj.article_id)


# --- The reviewer's queue and review screen -------------------------------------------------


class AssignmentStateFilter(admin.SimpleListFilter):
    """Open assignments unless asked otherwise: the queue is what is still to do."""

    title = "state"
    parameter_name = "state"
    default = "open"

    def lookups(self, request, model_admin):
        return [("open", "Open (invited or accepted)"), *AssignmentState.choices, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return queryset.open()
        if value in AssignmentState.values:
            return queryset.filter(state=value)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_overdue=True)
        if self.value() == "no":
            return queryset.filter(is_overdue=False)
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(NotificationsFieldMixin, NotFoundForOthersMixin, admin.ModelAdmin):
    """The assignment list is the reviewer's queue (their own assignments, open ones by
    default, soonest due first); the chair sees everyone's."""

    list_display = ["question", "topic", "state_label", "due", "respond"]
    list_display_links = None
    list_filter = [AssignmentStateFilter, "submission__article__topic", OverdueFilter]
    search_fields = [
        "submission__revision__title",
        "submission__article__slug",
        "reviewer__display_name",
    ]
    list_per_page = 50
    actions = None
    change_list_template = "admin/editorial/assignment/change_list.html"
    readonly_fields = [
        "submission",
        "reviewer",
        "state",
        "invited_by",
        "invited_at",
        "responded_at",
        "completed_at",
        "closed_at",
        "close_reason",
        "escalated_at",
        "notifications",
    ]
    fields = [*readonly_fields[:5], "response_due", "review_due", *readonly_fields[5:]]

    def get_queryset(self, request):
        return selectors.assignments_visible_to(request.user)

    def get_ordering(self, request):
        return ["due_on", "pk"]

    def get_list_display(self, request):
        if is_chair(request.user):
            return ["question", "reviewer_name", "topic", "state_label", "due", "respond"]
        return self.list_display

    def get_list_filter(self, request):
        if is_chair(request.user):
            return [*self.list_filter, "reviewer"]
        return self.list_filter

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Reviewers work on the review screen; the change form is the chair's, for due dates.
        if not is_chair(request.user):
            assignment = self._object_or_404(request, object_id)
            return HttpResponseRedirect(
                reverse("admin:editorial_assignment_review", args=[assignment.pk])
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        try:
            services.assignment_set_due_dates(
                assignment=obj,
                actor=request.user,
                response_due=form.cleaned_data.get("response_due"),
                review_due=form.cleaned_data.get("review_due")
                if obj.state == AssignmentState.ACCEPTED
                else None,
            )
        except WorkflowError as error:
            messages.error(request, error.message)

    @admin.display(description="Notifications (newest first)")
    def notifications(self, obj):
        return render_notifications(
            assignment=obj, changelist_filter=f"assignment__id__exact={obj.pk}"
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        buttons = {
            "accept": self.accept_view,
            "decline": self.decline_view,
            "withdraw": self.withdraw_view,
            "reassign": self.reassign_view,
            "conflict": self.conflict_view,
        }
        return [
            path("<int:pk>/review/", view(self.review_view), name="editorial_assignment_review"),
            *_button_urls(view, "assignment", buttons),
            *super().get_urls(),
        ]

    # Columns of the queue.

    @admin.display(description="question", ordering="submission__revision__title")
    def question(self, obj):
        return format_html(
            '<a href="{}">{}</a> <span class="quiet">r{}</span>',
            reverse("admin:editorial_assignment_review", args=[obj.pk]),
            obj.submission.revision.title,
            obj.submission.revision.number,
        )

    @admin.display(description="reviewer", ordering="reviewer__display_name")
    def reviewer_name(self, obj):
        return obj.reviewer.display_name

    @admin.display(description="topic", ordering="submission__article__topic__name")
    def topic(self, obj):
        return obj.submission.article.topic.name

    @admin.display(description="state", ordering="state")
    def state_label(self, obj):
        decision = getattr(obj, "decision", None) if obj.state == "completed" else None
        if decision is not None:
            return f"Completed: {decision.get_outcome_display().lower()}"
        return obj.get_state_display()

    @admin.display(description="due", ordering="due_on")
    def due(self, obj):
        if obj.due_on is None or not obj.is_open:
            return "—"
        what = "answer" if obj.state == AssignmentState.INVITED else "review"
        if obj.is_overdue:
            return format_html(
                '<strong class="overdue">Overdue</strong> · {} due {}', what, obj.due_on
            )
        return format_html("{} due {}", what, obj.due_on)

    @admin.display(description="respond")
    def respond(self, obj):
        if not obj.is_mine:
            return ""
        if obj.state == AssignmentState.INVITED:
            title = obj.submission.revision.title
            queue = reverse("admin:editorial_assignment_changelist")
            return format_html(
                '<button type="submit" class="button" formaction="{}?next={}" '
                'aria-label="Accept: {}">Accept</button> '
                '<button type="submit" class="button" formaction="{}?next={}" '
                'aria-label="Decline: {}">Decline</button>',
                reverse("admin:editorial_assignment_accept", args=[obj.pk]),
                queue,
                title,
                reverse("admin:editorial_assignment_decline", args=[obj.pk]),
                queue,
                title,
            )
        if obj.state == AssignmentState.ACCEPTED:
            return format_html(
                '<a class="button" href="{}">Review and decide</a>',
                reverse("admin:editorial_assignment_review", args=[obj.pk]),
            )
        return ""

    def changelist_view(self, request, extra_context=None):
        title = "All assignments" if is_chair(request.user) else "Your review queue"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    # The review screen and the buttons.

    def _assignment(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def review_view(self, request, pk):
        assignment = self._assignment(request, pk)
        is_own = assignment.reviewer.user_id == request.user.pk
        status = 200
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            initial={"revision": assignment.submission.revision_id},
        )
        if request.method == "POST":
            if not is_own:
                raise PermissionDenied("Only the assigned reviewer decides.")
            if form.is_valid():
                decision = _run(
                    request,
                    services.assignment_decide,
                    "Your decision is recorded.",
                    assignment=assignment,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    comment=form.cleaned_data["comment"],
                    confirmed_no_conflict=form.cleaned_data["confirmed_no_conflict"],
                    revision=form.cleaned_data["revision"],
                )
                if decision is not None:
                    return HttpResponseRedirect(reverse("admin:editorial_assignment_changelist"))
                return HttpResponseRedirect(request.path)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            **selectors.review_screen(assignment),
            "title": f"Review: {assignment.submission.revision.title}",
            "opts": self.model._meta,
            "form": form,
            "is_own": is_own,
            "can_decide": is_own and assignment.state == AssignmentState.ACCEPTED,
            "today": timezone.localdate(),
        }
        return TemplateResponse(
            request, "admin/editorial/assignment/review.html", context, status=status
        )

    def _back(self, request, assignment):
        return HttpResponseRedirect(
            _safe_next(request, reverse("admin:editorial_assignment_review", args=[assignment.pk]))
        )

    def accept_view(self, request, pk):
        assignment = self._assignment(request, pk)
        _run(
            request,
            services.assignment_accept,
            "Accepted. The review is yours.",
            assignment=assignment,
            actor=request.user,
        )
        return self._back(request, assignment)

    def decline_view(self, request, pk):
        assignment = self._assignment(request, pk)
        form = ReasonForm(request.POST)
        form.is_valid()
        _run(
            request,
            services.assignment_decline,
            "Declined. The chair will find another reviewer.",
            assignment=assignment,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
        return HttpResponseRedirect(
            _safe_next(request, reverse("admin:editorial_assignment_changelist"))
        )

    def withdraw_view(self, request, pk):
        assignment = self._assignment(request, pk)
        form = ReasonForm(request.POST)
        form.is_valid()
        _run(
            request,
            services.assignment_withdraw,
            f"The assignment of {assignment.reviewer.display_name} is withdrawn.",
            assignment=assignment,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
        return HttpResponseRedirect(_safe_next(request, reverse("admin:editorial_board")))

    def reassign_view(self, request, pk):
        assignment = self._assignment(request, pk)
        form = ReviewerChoiceForm(request.POST)
        if form.is_valid():
            reviewer = form.cleaned_data["reviewer"]
            _run(
                request,
                services.assignment_reassign,
                f"Reassigned to {reviewer.display_name}.",
                assignment=assignment,
                reviewer=reviewer,
                actor=request.user,
            )
        else:
            messages.error(request, "Choose a reviewer to reassign to.")
        return HttpResponseRedirect(_safe_next(request, reverse("admin:editorial_board")))

    def conflict_view(self, request, pk):
        assignment = self._assignment(request, pk)
        if assignment.reviewer.user_id != request.user.pk:
            raise PermissionDenied("Declare conflicts for yourself only.")
        form = RequiredReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say why you have a conflict of interest.")
            return self._back(request, assignment)
        _run(
            request,
            services.conflict_declare,
            "Your conflict of interest is recorded and this assignment is withdrawn.",
            member=assignment.reviewer,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            article=assignment.submission.article,
        )
        return HttpResponseRedirect(reverse("admin:editorial_assignment_changelist"))


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "submission", "outcome", "created_at"]
    list_filter = ["outcome"]
    list_select_related = ["assignment__reviewer", "submission__article", "submission__revision"]
    readonly_fields = [
        "assignment",
        "submission",
        "revision",
        "outcome",
        "comment",
        "confirmed_no_conflict",
        "created_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_chair(request.user):
            return queryset
        return queryset.filter(assignment__reviewer__user_id=request.user.pk)


# --- The policy, the audit log, and the audit trail on an article ---------------------------


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(admin.ModelAdmin):
    """One row, edited by the chair; each change is audited (``services.policy_update``)."""

    fieldsets = [
        ("Review", {"fields": ["quorum", "invitation_response_days", "review_due_days"]}),
        (
            "Reminders and escalation",
            {
                "fields": [
                    "reminder_days_before_due",
                    "remind_on_due_day",
                    "overdue_reminder_interval_days",
                    "overdue_reminder_max",
                ],
                "description": "Reminders go out before the due day, on it, then at the "
                "interval while overdue; after the last one the work is escalated to the chair.",
            },
        ),
        ("Re-review", {"fields": ["re_review_months"]}),
        ("Publishing", {"fields": ["publish_pending", "policy_text"]}),
        ("Record", {"fields": ["updated_at"]}),
    ]
    readonly_fields = ["updated_at"]

    def changelist_view(self, request, extra_context=None):
        policy = EditorialPolicy.load()
        return HttpResponseRedirect(
            reverse("admin:editorial_editorialpolicy_change", args=[policy.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.policy_update(
            actor=request.user,
            **{field: form.cleaned_data[field] for field in services.POLICY_FIELDS},
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sequence", "created_at", "actor_label", "action", "target", "transition"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "comment", "article__slug"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    @admin.display(description="target")
    def target(self, obj):
        return f"{obj.target_type}:{obj.target_id}"

    @admin.display(description="state")
    def transition(self, obj):
        return f"{obj.from_state} → {obj.to_state}" if obj.to_state else ""


# ``articles`` knows nothing of the workflow, so the audit trail and the reviewers' view of
# articles are added here, on subclasses of its admin classes.

admin.site.unregister(Article)
admin.site.unregister(Revision)


class SubmittedRevisionInline(RevisionInline):
    """A reviewer sees the article's submitted revisions, never the author's draft."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_chair(request.user):
            return queryset
        return queryset.filter(locked_at__isnull=False)


@admin.register(Article)
class ArticleWithAuditTrailAdmin(NotificationsFieldMixin, NotFoundForOthersMixin, ArticleAdmin):
    readonly_fields = [*ArticleAdmin.readonly_fields, "notifications", "audit_trail"]
    inlines = [
        SubmittedRevisionInline if inline is RevisionInline else inline
        for inline in ArticleAdmin.inlines
    ]

    def get_queryset(self, request):
        return selectors.articles_visible_to(request.user, super().get_queryset(request))

    @admin.display(description="Notifications (newest first)")
    def notifications(self, obj):
        return render_notifications(article=obj, changelist_filter=f"article__id__exact={obj.pk}")

    @admin.display(description="Audit trail (newest first)")
    def audit_trail(self, obj):
        return render_audit_trail(obj.pk)


@admin.register(Revision)
class RevisionForReviewersAdmin(NotFoundForOthersMixin, RevisionAdmin):
    def get_queryset(self, request):
        return selectors.revisions_visible_to(request.user, super().get_queryset(request))


# --- The outbox -----------------------------------------------------------------------


class SentFilter(admin.SimpleListFilter):
    title = "sent"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", "Sent"), ("no", "Unsent"), ("superseded", "Superseded (never sent)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "no":
            return queryset.unsent()
        if self.value() == "superseded":
            return queryset.filter(superseded=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every email, reminder and escalation as the outbox recorded it: read-only, like the
    audit log. The chair reads it to see who was told what, and whether it went out."""

    list_display = ["created_at", "kind", "to_email", "subject", "article", "sent", "attempts"]
    list_filter = ["kind", SentFilter]
    search_fields = ["to_email", "subject"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "to_email",
        "recipient",
        "subject",
        "link",
        "article",
        "submission",
        "assignment",
        "created_at",
        "claimed_at",
        "sent_at",
        "superseded",
        "attempts",
        "last_error",
        "dedupe_key",
        "body_text",
    ]
    readonly_fields = fields

    @admin.display(description="sent", boolean=True, ordering="sent_at")
    def sent(self, obj):
        return obj.sent_at is not None


# --- Reader feedback: a valid error report opens a re-review ----------------------------

admin.site.unregister(Feedback)


@admin.register(Feedback)
class FeedbackTriageAdmin(FeedbackAdmin):
    """``articles`` cannot open a re-review, so marking an error report valid is done here,
    through ``services.feedback_mark_valid``: from the list (an action) or with the button
    on the report's page. The status of an error report is read-only on its form so that no
    one marks it valid without the re-review."""

    actions = ["mark_valid_and_re_review", "mark_valid", "mark_invalid", "mark_answered"]
    change_form_template = "admin/editorial/feedback/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.kind == FeedbackKind.ERROR:
            return [*fields, "status"]
        return fields

    def get_urls(self):
        return [
            path(
                "<int:pk>/mark-valid/",
                self.admin_site.admin_view(require_POST(self.mark_valid_view)),
                name="articles_feedback_mark_valid",
            ),
            *super().get_urls(),
        ]

    def _triage(self, request, feedback, reason=""):
        """Mark one report valid; the outcome, or the refusal, as an admin message."""
        try:
            triage = services.feedback_mark_valid(
                feedback=feedback, actor=request.user, reason=reason
            )
        except WorkflowError as error:
            messages.error(request, f"Report #{feedback.pk}: {error.message}")
            return None
        url = reverse("admin:editorial_submission_change", args=[triage.submission.pk])
        if triage.opened:
            messages.success(
                request,
                format_html(
                    'Report #{} is valid. <a href="{}">A re-review of the live revision</a> '
                    "is open.",
                    feedback.pk,
                    url,
                ),
            )
        else:
            messages.warning(
                request,
                format_html(
                    "Report #{} is marked valid, but no re-review was opened: the article is "
                    'already in review (<a href="{}">submission #{}, {}</a>). Take the report '
                    "into that review.",
                    feedback.pk,
                    url,
                    triage.submission.pk,
                    triage.submission.get_state_display().lower(),
                ),
            )
        return triage

    @admin.action(
        description="Mark valid and open a re-review (error reports)", permissions=["change"]
    )
    def mark_valid_and_re_review(self, request, queryset):
        for feedback in queryset.order_by("pk"):
            self._triage(request, feedback)

    @admin.action(description="Mark as valid (follow-up questions)", permissions=["change"])
    def mark_valid(self, request, queryset):
        reports = queryset.filter(kind=FeedbackKind.ERROR).count()
        if reports:
            messages.warning(
                request,
                f"{reports} error report(s) left as they were: use “Mark valid and open a "
                "re-review”, which sends the article back to the board.",
            )
        self._mark(request, queryset.exclude(kind=FeedbackKind.ERROR), FeedbackStatus.VALID)

    def mark_valid_view(self, request, pk):
        feedback = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, feedback):
            raise PermissionDenied
        form = ReasonForm(request.POST)
        if form.is_valid():
            self._triage(request, feedback, reason=form.cleaned_data["reason"])
        else:
            messages.error(request, "The reason is too long: 2,000 characters at most.")
        return HttpResponseRedirect(reverse("admin:articles_feedback_change", args=[pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_mark_valid"] = (
            obj is not None
            and obj.kind == FeedbackKind.ERROR
            and obj.status == FeedbackStatus.NEW
            and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
