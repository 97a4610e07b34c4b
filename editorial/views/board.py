"""The chair's board view, and the chair's buttons on it: assign a reviewer, override (a
reason, then a confirmation page, then the signed override), confirm a reviewer's
rejection, withdraw or reassign an assignment."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from articles.presentation import stored_path
from editorial import selectors, services
from editorial.actions import AUTHOR_EMAIL_SUBJECTS, AuditAction
from editorial.board import BoardFilter, board_overview
from editorial.forms import (
    ConfirmRejectForm,
    OverrideConfirmForm,
    OverrideForm,
    ReasonForm,
    ReviewerChoiceForm,
)
from editorial.models import REVIEWABLE_STATES, DecisionOutcome, Submission
from editorial.views._common import chair_only, redirect_next, run, safe_next, valid_form
from editorial.views.review import visible_assignment


def age_in_words(moment, today):
    """ "submitted today", "submitted yesterday", "submitted 5 days ago"."""
    if moment is None:
        return "not submitted yet"
    days = (today - timezone.localdate(moment)).days
    if days <= 0:
        return "submitted today"
    if days == 1:
        return "submitted yesterday"
    return f"submitted {days} days ago"


def board_url(*, show=BoardFilter.ALL, page=1):
    """The board view's URL for one filter and page (the defaults leave no query)."""
    query = {}
    if show != BoardFilter.ALL:
        query["show"] = show
    if page != 1:
        query["page"] = page
    url = reverse("admin:editorial_board")
    return f"{url}?{urlencode(query)}" if query else url


EMPTY_TEXT = {
    BoardFilter.ALL: "No submission is open for review.",
    BoardFilter.NEEDS_REVIEWERS: "No open submission needs reviewers.",
    BoardFilter.OVERDUE: "No open submission has an overdue review.",
    BoardFilter.AWAITING_CHAIR: "No rejection by a reviewer waits for you to confirm it.",
}


def _filter_text(show, count):
    one = count == 1
    return {
        BoardFilter.ALL: f"{count:,} open",
        BoardFilter.NEEDS_REVIEWERS: f"{count:,} need{'s' if one else ''} reviewers",
        BoardFilter.OVERDUE: f"{count:,} overdue review{'' if one else 's'}",
        BoardFilter.AWAITING_CHAIR: f"{count:,} rejection{'' if one else 's'} to confirm",
    }[show]


def _position(page):
    """ "1–20 of 20,000, oldest first · page 1 of 1,000." """
    words = f"{page.start_index():,}–{page.end_index():,} of {page.paginator.count:,}, oldest first"
    if page.paginator.num_pages > 1:
        words += f" · page {page.number:,} of {page.paginator.num_pages:,}"
    return words + "."


def _reviews_text(counts):
    plural = "" if counts.open_reviews == 1 else "s"
    return (
        f"{counts.open_reviews:,} open review{plural} "
        f"({counts.accepted:,} accepted, {counts.escalated:,} escalated to you)"
    )


def _filters(counts, show):
    """The filter links over the cards, each saying how many open submissions it shows."""
    return [
        {
            "text": _filter_text(
                choice, counts.overdue if choice == BoardFilter.OVERDUE else counts.of(choice)
            ),
            "url": board_url(show=choice),
            "current": choice == show,
        }
        for choice in BoardFilter
    ]


def _page_links(page, show):
    """The page links under the cards: each page number (with ellipses), its URL and
    whether it is the current one."""
    if page.paginator.num_pages <= 1:
        return []
    links = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append({"ellipsis": True})
        else:
            links.append(
                {
                    "number": number,
                    "url": board_url(show=show, page=number),
                    "current": number == page.number,
                }
            )
    return links


CARD_CONTEXT = ("items", "quorum", "today", "here", "empty_text", "override_choices")


def render_cards(context):
    """The cards of the board, by the Jinja2 template (``context``: the page's, with the
    request's ``csrf_token``): HTML that the page's Django template inserts as it is,
    Jinja2 having escaped every value it put in (autoescape, tests/editorial/
    test_board_jinja.py)."""
    cards = {name: context[name] for name in CARD_CONTEXT}
    cards["csrf_token"] = context["csrf_token"]
    return mark_safe(render_to_string("editorial/board_cards.html", cards, using="jinja2"))


def board_view(request):
    """The chair's board view: one page of open submissions (``?page=``, 20 cards, oldest
    first) under one filter (``?show=``: see ``BoardFilter``), and the figures over all
    of them. A page number that is not a number shows the first page, one past the end
    the last; an unknown filter shows every open submission."""
    chair_only(request)
    show = request.GET.get("show", BoardFilter.ALL)
    show = BoardFilter(show) if show in BoardFilter.values else BoardFilter.ALL
    overview = board_overview(show=show, page=request.GET.get("page"))
    page = overview["page"]
    today = timezone.localdate()
    here = board_url(show=show, page=page.number)
    for item in overview["items"]:
        pk = item.submission.pk
        item.age = age_in_words(item.submission.submitted_at, today)
        item.can_override = item.submission.state == "under_review"
        item.back = f"{here}#submission-{pk}"  # where the card's buttons come back to
        item.candidates_url = stored_path("admin:editorial_submission_candidates", pk) + (
            "?" + urlencode({"next": item.back})
        )
    context = {
        **admin.site.each_context(request),
        **overview,
        "title": "Board view",
        "opts": Submission._meta,
        "today": today,
        "filters": _filters(overview["counts"], show),
        "reviews_text": _reviews_text(overview["counts"]),
        "position": _position(page),
        "current_filter": show.label,
        "page_links": _page_links(page, show),
        "previous_url": board_url(show=show, page=page.previous_page_number())
        if page.has_previous()
        else "",
        "next_url": board_url(show=show, page=page.next_page_number()) if page.has_next() else "",
        "here": here,
        "empty_text": EMPTY_TEXT[show],
        "override_choices": OverrideForm.base_fields["outcome"].choices,
        # One token for every form on the page, the chrome's and the cards'.
        "csrf_token": get_token(request),
    }
    context["cards"] = render_cards(context)
    return TemplateResponse(request, "admin/editorial/submission/board.html", context)


def candidates_view(request, pk):
    """Every board member for one submission: the eligible ranked, best first, with the
    reason in words, to invite (or to reassign an open review to); and who is left out,
    and why. The board view's cards show the best few and link here."""
    chair_only(request)
    submission = get_object_or_404(
        Submission.objects.select_related("article__topic", "revision"), pk=pk
    )
    suggestions, excluded = selectors.reviewer_suggestions(submission)
    assignments = list(
        submission.assignments.open().with_due().select_related("reviewer").order_by("pk")
    )
    back = safe_next(request) or reverse("admin:editorial_board") + f"#submission-{pk}"
    context = {
        **admin.site.each_context(request),
        "title": f"Reviewers for “{submission.revision.title}”",
        "opts": Submission._meta,
        "submission": submission,
        "is_open": submission.state in REVIEWABLE_STATES,
        "authors": list(submission.article.authors.all()),
        "suggestions": suggestions,
        "legend": f"Every eligible reviewer, best first ({len(suggestions)})",
        "excluded": excluded,
        "open_assignments": assignments,
        "today": timezone.localdate(),
        "back": back,
    }
    return TemplateResponse(request, "admin/editorial/submission/candidates.html", context)


def _back_to_board(request, submission=None):
    anchor = f"#submission-{submission.pk}" if submission is not None else ""
    return redirect_next(request, reverse("admin:editorial_board") + anchor)


@require_POST
def assign_view(request, pk):
    """Invite the chosen reviewer, with the reply due date and the chair's note; a bad due
    date or a missing reviewer is a message and changes nothing."""
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
            message=form.cleaned_data["message"],
        )
    return _back_to_board(request, submission)


def _chair_name(user):
    member = getattr(user, "board_member", None)
    return member.display_name if member is not None else (user.get_full_name() or user.username)


def _override_confirmation(request, submission, form):
    """The page that says what the override will do and what readers (or the authors)
    will be told, worded by the same template the article page uses."""
    outcome = form.cleaned_data["outcome"]
    approving = [
        decision.assignment.reviewer.public_snapshot()
        for decision in submission.decisions.select_related("assignment__reviewer").order_by(
            "created_at"
        )
        if decision.outcome == DecisionOutcome.APPROVE
    ]
    action = (
        AuditAction.SUBMISSION_OVERRIDE_APPROVE
        if outcome == DecisionOutcome.APPROVE
        else AuditAction.SUBMISSION_OVERRIDE_REJECT
    )
    title = submission.revision.title
    back = safe_next(request) or reverse("admin:editorial_board") + f"#submission-{submission.pk}"
    context = {
        **admin.site.each_context(request),
        "title": "Confirm the override",
        "opts": Submission._meta,
        "submission": submission,
        "form": form,
        "approve": outcome == DecisionOutcome.APPROVE,
        "outcome_label": dict(form.fields["outcome"].choices)[outcome],
        "reason": form.cleaned_data["reason"],
        "literature": form.cleaned_data["literature_current_through"] or timezone.localdate(),
        "now": timezone.now(),
        "chair_name": _chair_name(request.user),
        "approving_reviewers": approving,
        "author_subject": AUTHOR_EMAIL_SUBJECTS[action].format(title=title),
        "cancel_url": back,
        "next": safe_next(request),
    }
    return TemplateResponse(
        request, "admin/editorial/submission/override_confirm.html", context, status=200
    )


@require_POST
def override_view(request, pk):
    """Two steps. The first POST (outcome and reason) changes nothing: it shows the
    confirmation page. Only the POST from that page (``confirm``, with the chair's
    password) overrides."""
    chair_only(request)
    submission = get_object_or_404(Submission.objects.select_related("revision"), pk=pk)
    if not can_proceed(submission.approve):
        messages.error(
            request,
            "Only a submission under review can be overridden; this one is "
            f"{submission.get_state_display().lower()}.",
        )
        return _back_to_board(request, submission)
    chosen = OverrideForm(request.POST)
    if not valid_form(request, chosen):
        return _back_to_board(request, submission)
    if "confirm" not in request.POST:
        return _override_confirmation(request, submission, chosen)
    form = OverrideConfirmForm(request.POST)
    if not form.is_valid():
        return _override_confirmation(request, submission, form)
    done = run(
        request,
        services.submission_override,
        "Override recorded: the article is approved and published."
        if form.cleaned_data["outcome"] == DecisionOutcome.APPROVE
        else "Override recorded: the submission is rejected.",
        submission=submission,
        actor=request.user,
        outcome=form.cleaned_data["outcome"],
        reason=form.cleaned_data["reason"],
        literature_current_through=form.cleaned_data["literature_current_through"],
        password=form.cleaned_data["password"],
    )
    if done is None:  # a refusal (a wrong password): its message on the same page
        return _override_confirmation(request, submission, form)
    return HttpResponseRedirect(reverse("admin:editorial_submission_change", args=[pk]))


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
    return _back_to_board(request, assignment.submission)


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
    return _back_to_board(request, assignment.submission)
