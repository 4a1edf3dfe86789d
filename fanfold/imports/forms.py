from django import forms
from django.conf import settings

from fanfold.core.forms import CleanTextForm
from fanfold.works.forms import WorkForm


class ImportSourceForm(CleanTextForm, forms.Form):
    file = forms.FileField(
        required=False,
        help_text="A story file: plain text (.txt), HTML, Markdown (.md), Word (.docx) or EPUB.",
    )
    text = forms.CharField(
        label="…or paste the story",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def clean(self):
        data = super().clean() or {}
        upload = data.get("file")
        if not upload and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file or paste a story.")
        if upload and upload.size > settings.FANFOLD_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than the limit of {settings.FANFOLD_IMPORT_MAX_BYTES:,} bytes."
            )
        return data


class ImportPreviewForm(WorkForm):
    """The extracted metadata, editable before anything is stored."""
