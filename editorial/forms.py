"""Forms of the board's admin screens. They check the shape of the input; the services
check the rules (and the forms repeat the messages a person is most likely to need)."""

from django import forms
from django.utils import timezone

from articles.models import Revision
from articles.text import MultiLineField
from editorial.models import DecisionOutcome
from reviewers.models import BoardMember

OVERRIDE_CHOICES = [
    (DecisionOutcome.APPROVE, "Approve and publish"),
    (DecisionOutcome.REJECT, "Reject"),
]


def signature_password():
    """The re-entered password that e-signs a decision (21 CFR Part 11 §11.200)."""
    return forms.CharField(
        label="Your password, to sign",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password: it signs this decision with your name, "
        "credentials, the date and time and what the decision means.",
        error_messages={"required": "Re-enter your password to sign the decision."},
    )


def literature_date():
    return forms.DateField(
        required=False,
        label="Literature current through",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When approving: the date up to which the literature was checked. "
        "Empty means today.",
    )


class DecisionForm(forms.Form):
    """The reviewer's decision. ``references`` are the pinned revision's: the checkboxes
    of the ones the reviewer checked."""

    outcome = forms.ChoiceField(
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        label="Outcome",
        error_messages={"required": "Choose approve, request changes or reject."},
    )
    comment = MultiLineField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=8000,
        label="Comments to the authors",
        help_text="Required unless you approve. The authors read these.",
    )
    confidential_comment = MultiLineField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=8000,
        label="Confidential comments to the chair",
        help_text="Only the chair reads these: never the authors, readers or the public "
        "review record.",
    )
    checked_references = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="References you checked",
        error_messages={
            "invalid_choice": "Reference %(value)s is not in this revision: mark only the "
            "references it cites."
        },
    )
    confirmed_no_conflict = forms.BooleanField(
        label="I confirm I have no conflict of interest with this article, its authors or its "
        "topic.",
        error_messages={"required": "Confirm that you have no conflict of interest."},
    )
    revision = forms.ModelChoiceField(queryset=Revision.objects.all(), widget=forms.HiddenInput)
    literature_current_through = literature_date()
    password = signature_password()

    def __init__(self, *args, references=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_references"].choices = [
            (ref.position, f"{ref.position}. {ref.title}") for ref in references
        ]

    def clean(self):
        cleaned = super().clean()
        outcome, comment = cleaned.get("outcome"), cleaned.get("comment", "")
        if outcome and outcome != DecisionOutcome.APPROVE and not comment.strip():
            verb = "request changes" if outcome == DecisionOutcome.REQUEST_CHANGES else "reject"
            self.add_error("comment", f"A comment to the authors is required to {verb}.")
        return cleaned


class ReasonForm(forms.Form):
    reason = MultiLineField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "The reason is too long: 2,000 characters at most."},
    )


class RequiredReasonForm(forms.Form):
    reason = MultiLineField(
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"required": "A written reason is required."},
    )


class OverrideForm(RequiredReasonForm):
    """The first step of an override: what and why. Nothing is chosen for the chair; the
    confirmation page (``OverrideConfirmForm``) is where it is signed."""

    outcome = forms.ChoiceField(
        choices=OVERRIDE_CHOICES,
        widget=forms.RadioSelect,
        label="Outcome",
        error_messages={"required": "Choose whether the override approves or rejects."},
    )
    literature_current_through = literature_date()


class OverrideConfirmForm(OverrideForm):
    password = signature_password()


def _not_in_the_past(day):
    if day < timezone.localdate():
        raise forms.ValidationError("The due date cannot be in the past.")


class ReviewerChoiceForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=BoardMember.objects.all(),
        error_messages={"required": "Choose a reviewer.", "invalid_choice": "Choose a reviewer."},
    )
    response_due = forms.DateField(
        required=False,
        validators=[_not_in_the_past],
        error_messages={"invalid": "The due date is not a date: use the form YYYY-MM-DD."},
    )
    message = MultiLineField(
        required=False,
        max_length=2000,
        error_messages={
            "max_length": "The invitation message is too long: 2,000 characters at most."
        },
    )


class ConfirmRejectForm(forms.Form):
    comment = MultiLineField(
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"max_length": "The comment is too long: 4,000 characters at most."},
    )
    password = signature_password()
