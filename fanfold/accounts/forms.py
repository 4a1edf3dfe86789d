from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import URLValidator

from fanfold.accounts.models import User
from fanfold.accounts.services import MAX_LINKS
from fanfold.core.context_processors import SIZES, THEMES
from fanfold.core.forms import CleanTextForm


class SignupForm(CleanTextForm, UserCreationForm):
    email = forms.EmailField(required=True, help_text="We send a link to confirm it.")
    # Bots fill every field; people never see this one.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account already uses this email address.")
        return email


class ProfileForm(CleanTextForm, forms.Form):
    display_name = forms.CharField(required=False, max_length=100)
    email = forms.EmailField(required=False)
    bio = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Public links, one per line (at most {MAX_LINKS}).",
    )

    def clean_links(self):
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError as e:
                raise forms.ValidationError(
                    f"“{link}” is not a web address (http or https)."
                ) from e
        if len(links) > MAX_LINKS:
            raise forms.ValidationError(f"At most {MAX_LINKS} links.")
        return links


class PreferencesForm(CleanTextForm, forms.Form):
    view_adult = forms.BooleanField(
        required=False, label="Show Mature, Explicit and Not Rated works without a notice"
    )
    theme = forms.ChoiceField(choices=[(t, t.title()) for t in THEMES])
    text_size = forms.ChoiceField(choices=[(s, s.title()) for s in SIZES])
    email_on_comment = forms.BooleanField(
        required=False, label="Email me when someone comments on my works or replies to me"
    )


class ApiTokenForm(CleanTextForm, forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “my e-reader sync”.")
