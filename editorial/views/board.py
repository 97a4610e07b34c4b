"""The chair's board view, and the chair's buttons on it: assign a reviewer, override,
confirm a reviewer's rejection, withdraw or reassign an assignment."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from editorial import selectors, services
from editorial.forms import ConfirmRejectForm, OverrideForm, ReasonForm, ReviewerChoiceForm
from editorial.models import Submission
from editorial.views._common import chair_only, redirect_next, run, valid_form
from editorial.views.review import visible_assignment


def board_view(request):
    chair_only(request)
    context = {
        **admin.site.each_context(request),
        **selectors.board_overview(),
        "title": "Board view",
        "opts": Submission._meta,
        "today": timezone.localdate(),
        "override_choices": OverrideForm.base_fields["outcome"].choices,
    }
    return TemplateResponse(request, "admin/editorial/submission/board.html", context)


def _back_to_board(request):
    return redirect_next(request, reverse("admin:editorial_board"))


@require_POST
def assign_view(request, pk):
    chair_only(request)
    submission = get_object_or_404(Submission, pk=pk)
    form = ReviewerChoiceForm(request.POST)
    if valid_form(request, form):
        reviewer = form.cleaned_data["reviewer"]
        run(
            request,
            services.assignment_create,
            f"{reviewer.display_name} is invited to review.",
            submission=submission,
            reviewer=reviewer,
            actor=request.user,
            response_due=form.cleaned_data["response_due"],
        )
    return _back_to_board(request)


@require_POST
def override_view(request, pk):
    chair_only(request)
    submission = get_object_or_404(Submission, pk=pk)
    form = OverrideForm(request.POST)
    if valid_form(request, form):
        run(
            request,
            services.submission_override,
            "Override recorded.",
            submission=submission,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            literature_current_through=form.cleaned_data["literature_current_through"],
            password=form.cleaned_data["password"],
        )
    return _back_to_board(request)


@require_POST
def confirm_reject_view(request, pk):
    chair_only(request)
    submission = get_object_or_404(Submission, pk=pk)
    form = ConfirmRejectForm(request.POST)
    if valid_form(request, form):
        run(
            request,
            services.submission_confirm_reject,
            "Rejection confirmed.",
            submission=submission,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            password=form.cleaned_data["password"],
        )
    return _back_to_board(request)


@require_POST
def withdraw_view(request, pk):
    assignment = visible_assignment(request, pk)
    form = ReasonForm(request.POST)
    if valid_form(request, form):
        run(
            request,
            services.assignment_withdraw,
            f"The assignment of {assignment.reviewer.display_name} is withdrawn.",
            assignment=assignment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    return _back_to_board(request)


@require_POST
def reassign_view(request, pk):
    assignment = visible_assignment(request, pk)
    form = ReviewerChoiceForm(request.POST)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        run(
            request,
            services.assignment_reassign,
            f"Reassigned to {reviewer.display_name}.",
            assignment=assignment,
            reviewer=reviewer,
            actor=request.user,
        )
    else:
        messages.error(request, "Choose a reviewer to reassign to.")
    return _back_to_board(request)
