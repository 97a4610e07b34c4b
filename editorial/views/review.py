"""The reviewer's review screen, and the buttons a reviewer presses on it and in their
queue: accept, decline, declare a conflict of interest."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from editorial import selectors, services
from editorial.errors import NotPermitted, WorkflowError
from editorial.forms import DecisionForm, ReasonForm, RequiredReasonForm
from editorial.models import (
    Assignment,
    AssignmentState,
    DecisionOutcome,
    Submission,
    SubmissionState,
)
from editorial.views._common import redirect_next, run, valid_form


def visible_assignment(request, pk):
    """The assignment, if ``request.user`` may see it (the queue's scope); else 404."""
    return get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)


def review_view(request, pk):
    assignment = visible_assignment(request, pk)
    is_own = assignment.reviewer.user_id == request.user.pk
    screen = selectors.review_screen(assignment)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"revision": assignment.submission.revision_id},
        references=[item["ref"] for item in screen["reader"]["references"]],
    )
    status = 200
    if request.method == "POST":
        if not is_own:
            raise PermissionDenied("Only the assigned reviewer decides.")
        response = _decide(request, assignment, form) if form.is_valid() else None
        if response is not None:
            return response
        status = 400
    context = {
        **admin.site.each_context(request),
        **screen,
        "title": f"Review: {assignment.submission.revision.title}",
        "opts": Assignment._meta,
        "form": form,
        "is_own": is_own,
        "can_decide": is_own and assignment.state == AssignmentState.ACCEPTED,
        "progress_text": screen["progress"].describe(
            you=assignment.reviewer.display_name if is_own else None, so_far=True
        ),
        "today": timezone.localdate(),
    }
    # A screen for reading and deciding: the admin's list of models takes a third of its
    # width, and neither a reviewer nor the chair (who gets here from the board) needs it.
    context["is_nav_sidebar_enabled"] = False
    return TemplateResponse(
        request, "admin/editorial/assignment/review.html", context, status=status
    )


def _decide(request, assignment, form):
    """Record the decision and go back to the queue; a refusal becomes the form's error
    (None: the form is shown again, with what the reviewer wrote)."""
    data = form.cleaned_data
    try:
        decision = services.assignment_decide(
            assignment=assignment,
            actor=request.user,
            outcome=data["outcome"],
            comment=data["comment"],
            confidential_comment=data["confidential_comment"],
            checked_references=data["checked_references"],
            confirmed_no_conflict=data["confirmed_no_conflict"],
            revision=data["revision"],
            literature_current_through=data["literature_current_through"],
            password=data["password"],
        )
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except WorkflowError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, decided_message(decision))
    return HttpResponseRedirect(reverse("admin:editorial_assignment_changelist"))


def decided_message(decision):
    """What the reviewer is told once their decision is recorded: for an approval, where
    the quorum stands now."""
    if decision.outcome == DecisionOutcome.REQUEST_CHANGES:
        return (
            "Your request for changes is recorded: the revision goes back to the authors "
            "with your comments."
        )
    if decision.outcome == DecisionOutcome.REJECT:
        return (
            "Your recommendation to reject is recorded: the chair confirms the rejection "
            "or overrides it."
        )
    submission = Submission.objects.get(pk=decision.submission_id)
    if submission.state == SubmissionState.APPROVED:
        return "Quorum reached: the article is approved and published."
    progress = selectors.quorum_progress(submission)
    return f"Your approval is recorded: {progress.describe()}."


def _back_to_review(request, assignment):
    return redirect_next(
        request, reverse("admin:editorial_assignment_review", args=[assignment.pk])
    )


@require_POST
def accept_view(request, pk):
    assignment = visible_assignment(request, pk)
    run(
        request,
        services.assignment_accept,
        "Accepted. The review is yours.",
        assignment=assignment,
        actor=request.user,
    )
    return _back_to_review(request, assignment)


@require_POST
def decline_view(request, pk):
    assignment = visible_assignment(request, pk)
    form = ReasonForm(request.POST)
    if valid_form(request, form):
        run(
            request,
            services.assignment_decline,
            "Declined. The chair will find another reviewer.",
            assignment=assignment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    return redirect_next(request, reverse("admin:editorial_assignment_changelist"))


@require_POST
def conflict_view(request, pk):
    assignment = visible_assignment(request, pk)
    if assignment.reviewer.user_id != request.user.pk:
        raise PermissionDenied("Declare conflicts for yourself only.")
    form = RequiredReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why you have a conflict of interest.")
        return _back_to_review(request, assignment)
    run(
        request,
        services.conflict_declare,
        "Your conflict of interest is recorded and this assignment is withdrawn.",
        member=assignment.reviewer,
        actor=request.user,
        reason=form.cleaned_data["reason"],
        article=assignment.submission.article,
    )
    return HttpResponseRedirect(reverse("admin:editorial_assignment_changelist"))
