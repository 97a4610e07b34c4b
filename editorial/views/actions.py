"""The buttons on a change page: the workflow transitions on a submission's page, and
"mark valid and open a re-review" on a reader's error report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.models import Feedback
from editorial import selectors, services
from editorial.errors import WorkflowError
from editorial.forms import ReasonForm
from editorial.views._common import run, valid_form

# Buttons on a submission's page: name → (label, service, needs a comment, fsm transition
# whose permission shows the button). The buttons in SIGNED are decisions: they carry the
# chair's re-entered password. Approving or rejecting against the board is an override,
# which is not a one-click button: it goes through ``board.override_view``'s confirmation.
TRANSITION_BUTTONS = {
    "start_review": ("Start review", services.submission_start_review, False, "start_review"),
    "request_changes": (
        "Request changes",
        services.submission_request_changes,
        True,
        "request_changes",
    ),
    "confirm_reject": (
        "Confirm the reviewer's rejection",
        services.submission_confirm_reject,
        False,
        "reject",
    ),
    "withdraw": ("Withdraw", services.submission_withdraw, False, "withdraw"),
}
SIGNED = frozenset({"request_changes", "confirm_reject"})


@require_POST
def transition_view(request, pk, name):
    submission = get_object_or_404(selectors.submissions_visible_to(request.user), pk=pk)
    if name not in TRANSITION_BUTTONS or not request.user.has_perm("editorial.view_submission"):
        raise PermissionDenied
    label, service, needs_comment, _ = TRANSITION_BUTTONS[name]
    kwargs = {"submission": submission, "actor": request.user}
    comment = request.POST.get("comment", "").strip()
    if needs_comment or comment:
        kwargs["comment"] = comment
    if name in SIGNED:
        kwargs["password"] = request.POST.get("password", "")
    run(request, service, f"{label}: done.", **kwargs)
    return HttpResponseRedirect(reverse("admin:editorial_submission_change", args=[pk]))


def triage_report(request, feedback, reason=""):
    """Mark one error report valid (which opens a re-review); the outcome, or the refusal,
    as an admin message. The admin's bulk action calls this too."""
    try:
        triage = services.feedback_mark_valid(feedback=feedback, actor=request.user, reason=reason)
    except WorkflowError as error:
        messages.error(request, f"Report #{feedback.pk}: {error.message}")
        return None
    url = reverse("admin:editorial_submission_change", args=[triage.submission.pk])
    if triage.opened:
        messages.success(
            request,
            format_html(
                'Report #{} is valid. <a href="{}">A re-review of the live revision</a> is open.',
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


@require_POST
def mark_valid_view(request, pk):
    feedback = get_object_or_404(Feedback, pk=pk)
    if not request.user.has_perm("articles.change_feedback"):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if valid_form(request, form):
        triage_report(request, feedback, reason=form.cleaned_data["reason"])
    return HttpResponseRedirect(reverse("admin:articles_feedback_change", args=[pk]))
