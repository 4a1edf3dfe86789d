from dataclasses import asdict

from django import forms

from fanfold.bookmarks.models import Bookmark
from fanfold.bookmarks.selectors import bookmark_input_of
from fanfold.bookmarks.services import NOTE_MAX, BookmarkInput
from fanfold.core.forms import CleanTextForm
from fanfold.core.text import TextFormat
from fanfold.works.forms import TagListField


class BookmarkForm(CleanTextForm, forms.Form):
    """A bookmark's note, tags and flags; limits are checked by the services."""

    note = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Up to {NOTE_MAX:,} characters.",
    )
    text_format = forms.ChoiceField(
        label="The note is in", choices=TextFormat.choices, initial=TextFormat.MARKDOWN
    )
    tags = TagListField(
        label="Your tags", help_text="Only for this bookmark. Separate with commas."
    )
    rec = forms.BooleanField(label="Recommend this work", required=False)
    private = forms.BooleanField(label="Private bookmark (only you see it)", required=False)

    def bookmark_input(self) -> BookmarkInput:
        d = self.cleaned_data
        return BookmarkInput(
            note=d["note"],
            text_format=d["text_format"],
            tags=d["tags"],
            private=d["private"],
            rec=d["rec"],
        )

    @classmethod
    def initial_for(cls, bookmark: Bookmark) -> dict:
        data = asdict(bookmark_input_of(bookmark))
        data["tags"] = ", ".join(data["tags"])
        return data
