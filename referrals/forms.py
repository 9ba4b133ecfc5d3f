from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentKind
from programs.models import Program
from referrals.models import ReactivationRecord, Referral
from slrt.date_inputs import LocalDateField
from slrt.field_errors import ITEM_PATH, add_service_errors

NOTES_MAX = 2000


class ReferralCreateForm(forms.Form):
    """The programmes (of those matching the needs) to refer to, each with its own notes for
    its agency (`notes_PKH`): a justification written for one programme goes to that
    programme's referral and letter only."""

    program = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=Program.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one programme.")},
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        for program in programs:
            self.fields[self.notes_field(program.code)] = forms.CharField(
                label=_("Notes for the agency on %(code)s") % {"code": program.code},
                required=False,
                max_length=NOTES_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required when the household does not qualify under this "
                            "programme's rule: say why you refer it anyway."),
            )  # fmt: skip

    @staticmethod
    def notes_field(code: str) -> str:
        return f"notes_{code}"

    def notes_by_program(self) -> dict[str, str]:
        """The notes of each ticked programme, by its code."""
        return {
            program.code: self.cleaned_data.get(self.notes_field(program.code), "")
            for program in self.cleaned_data["program"]
        }

    def add_service_errors(self, error: ValidationError, programs: list) -> None:
        """`referrals_create`'s refusal on the page: a programme's `programs[i].notes` on
        that programme's notes, the rest as `slrt.field_errors.add_service_errors` puts it."""
        if not hasattr(error, "error_dict"):
            add_service_errors(self, error)
            return
        rest = {}
        for key, messages in error.message_dict.items():
            path = ITEM_PATH.fullmatch(key)
            if path and path["name"] == "programs" and int(path["index"]) < len(programs):
                field = self.notes_field(programs[int(path["index"])].code)
                for message in messages:
                    self.add_error(field, message)
            else:
                rest[key] = messages
        if rest:
            add_service_errors(self, ValidationError(rest))

    def programme_rows(self, matches, files) -> list[tuple]:
        """Each match with its notes field and the file a referral to it would carry
        (`referrals.selectors.complaint_files`), for the page."""
        return [
            (match, self[self.notes_field(match.program.code)], files[match.program.pk])
            for match in matches
        ]


class ReferralTransitionForm(forms.Form):
    """A move of a referral. A move that cannot be undone (`FINAL_MOVES`) is made only with
    `confirm`, sent by its confirmation page; without it the page is shown."""

    to = forms.ChoiceField(choices=Referral.Status.choices)
    note = forms.CharField(required=False, max_length=NOTES_MAX)
    version = forms.IntegerField(min_value=1)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    FINAL_MOVES = Referral.FINAL

    def needs_confirmation(self) -> bool:
        return self.cleaned_data["to"] in self.FINAL_MOVES and not self.cleaned_data["confirm"]


class DocumentRequestForm(forms.Form):
    """The agency asks the sending office for a document of the referral's file."""

    kind = forms.ModelChoiceField(
        label=_("Document needed"),
        queryset=DocumentKind.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose the document you need."),
            "invalid_choice": _("Choose the document you need."),
        },
    )
    note = forms.CharField(
        label=_("Note for the office"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    """An approver's decision on a referral waiting for one: approve (it is sent) or
    return it to its sender with a note."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and send")), ("return", _("Return to the sender"))],
        error_messages={
            "required": _("Choose approve or return."),
            "invalid_choice": _("Choose approve or return."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning: what the sender must change."),
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class ReactivationForm(forms.Form):
    """The PBI-JK reactivation of a referral: the upload to the national system and its
    result (`referrals.services.reactivation_record`)."""

    uploaded_on = LocalDateField(
        label=_("Uploaded to the national system on"),
        error_messages={"required": _("Give the day of the upload to the national system.")},
    )
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("— not known yet —")), *ReactivationRecord.Result.choices],
        error_messages={"invalid_choice": _("Choose one of the results offered.")},
    )
    result_on = LocalDateField(label=_("Result known on"), required=False)
    refusal_reason = forms.CharField(
        label=_("Reason for the refusal"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The record's version when the page was read (0: none yet).
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
