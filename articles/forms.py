"""The reader's feedback form."""

from django import forms

from articles.models import FEEDBACK_MESSAGE_MAX, FeedbackKind
from articles.text import MultiLineField

FEEDBACK_MESSAGE_MIN = 10


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to do?",
        choices=[
            (FeedbackKind.QUESTION, "Ask a follow-up question"),
            (FeedbackKind.ERROR, "Report an error"),
        ],
        initial=FeedbackKind.QUESTION,
        widget=forms.RadioSelect,
    )
    message = MultiLineField(
        label="Your message",
        min_length=FEEDBACK_MESSAGE_MIN,
        max_length=FEEDBACK_MESSAGE_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": FEEDBACK_MESSAGE_MAX}),
        help_text=(
            f"Between {FEEDBACK_MESSAGE_MIN} and {FEEDBACK_MESSAGE_MAX} characters. "
            "Please do not include personal health details."
        ),
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like an answer. We use it for nothing else.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A field people never see (hidden by CSS) and bots fill in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def is_bot(self):
        return bool(self.data.get("website", "").strip())
