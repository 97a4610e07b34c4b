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
from editorial.forms import DecisionForm, ReasonForm, RequiredReasonForm
from editorial.models import Assignment, AssignmentState
from editorial.views._common import redirect_next, run, valid_form


def visible_assignment(request, pk):
    """The assignment, if ``request.user`` may see it (the queue's scope); else 404."""
    return get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)


def review_view(request, pk):
    assignment = visible_assignment(request, pk)
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
            decision = run(
                request,
                services.assignment_decide,
                "Your decision is recorded.",
                assignment=assignment,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
                confirmed_no_conflict=form.cleaned_data["confirmed_no_conflict"],
                revision=form.cleaned_data["revision"],
                literature_current_through=form.cleaned_data["literature_current_through"],
                password=form.cleaned_data["password"],
            )
            if decision is not None:
                return HttpResponseRedirect(reverse("admin:editorial_assignment_changelist"))
            return HttpResponseRedirect(request.path)
        status = 400
    context = {
        **admin.site.each_context(request),
        **selectors.review_screen(assignment),
        "title": f"Review: {assignment.submission.revision.title}",
        "opts": Assignment._meta,
        "form": form,
        "is_own": is_own,
        "can_decide": is_own and assignment.state == AssignmentState.ACCEPTED,
        "today": timezone.localdate(),
    }
    return TemplateResponse(
        request, "admin/editorial/assignment/review.html", context, status=status
    )


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
