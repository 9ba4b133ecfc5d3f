from django import forms
from django.utils.translation import gettext_lazy as _

from documents.selectors import document_kinds_offered


class DocumentUploadForm(forms.Form):
    """A document for a record: its kind, and the file, from the phone's camera (`camera`)
    or chosen among the files (`file`). The content is the service's to check."""

    kind = forms.ModelChoiceField(
        label=_("Document kind"),
        queryset=document_kinds_offered(),
        to_field_name="code",
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose a document kind from the list."),
            "invalid_choice": _("Choose a document kind from the list."),
        },
    )
    camera = forms.FileField(
        label=_("Take a photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    file = forms.FileField(
        label=_("or choose a file (photo or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, too_large_message: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large_message = too_large_message
        if too_large_message:  # the body was not read: say only what was wrong with it
            self.fields["kind"].required = False
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        cleaned = super().clean()
        if self.too_large_message:
            self.add_error("file", self.too_large_message)
        elif cleaned.get("camera") and cleaned.get("file"):
            self.add_error("file", _("Send one file at a time: the photo or the chosen file."))
        elif not cleaned.get("camera") and not cleaned.get("file") and "file" not in self.errors:
            self.add_error("file", _("Choose a file or take a photo."))
        return cleaned

    @property
    def upload(self):
        return self.cleaned_data.get("camera") or self.cleaned_data.get("file")
