from django import forms

from fanfold.core.forms import CleanTextForm
from fanfold.core.text import TextFormat
from fanfold.feedback.models import Report

HONEYPOT_HELP = "Leave this empty."
# Out of the tab order, so keyboard users never land in the hidden field.
HONEYPOT_WIDGET = forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})


class CommentForm(CleanTextForm, forms.Form):
    """A review or reply; its limits are checked by the services."""

    body = forms.CharField(
        label="Comment",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown or HTML: emphasis, quotes, lists and links. At most 10,000 characters.",
    )
    text_format = forms.ChoiceField(
        label="Format",
        choices=[(TextFormat.MARKDOWN, "Markdown"), (TextFormat.HTML, "HTML")],
        initial=TextFormat.MARKDOWN,
    )


class GuestCommentForm(CommentForm):
    guest_name = forms.CharField(label="Your name", max_length=200)
    guest_email = forms.CharField(
        label="Email (optional, never shown)", required=False, max_length=254
    )
    website = forms.CharField(
        required=False, label="Website", help_text=HONEYPOT_HELP, widget=HONEYPOT_WIDGET
    )

    field_order = ["guest_name", "guest_email", "body", "text_format", "website"]


class ReportForm(CleanTextForm, forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label="What is wrong?"
    )


class GuestReportForm(ReportForm):
    email = forms.CharField(
        label="Your email (optional, so we can answer)", required=False, max_length=254
    )
    website = forms.CharField(
        required=False, label="Website", help_text=HONEYPOT_HELP, widget=HONEYPOT_WIDGET
    )
