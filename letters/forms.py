from django import forms
from django.utils.translation import gettext_lazy as _

from households.masking import mask_identifier
from households.selectors import persons_in_scope
from letters.models import Letter, LetterKind
from letters.selectors import letter_kinds_in_use
from programs.models import Program
from slrt.form_style import StyledForm
from slrt.ids import id_from


def ids_in(values: list[str]) -> list[int]:
    """The ids among `values` (as a form or a query string sends them)."""
    return [pk for pk in map(id_from, values) if pk is not None]


class PersonsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # An id the database cannot hold (twenty digits) is refused here, as any other
        # value that names no one offered, before the query reads it.
        for typed in value or []:
            if id_from(str(typed)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(typed)[:40]},
                )
        return super().clean(value)

    def label_from_instance(self, person) -> str:
        return f"{person.name} · {mask_identifier(person.nik) or _('no NIK')}"


class LetterDraftForm(StyledForm):
    """Drafts of one kind for the people chosen (from a household's page) and the NIKs
    pasted; a referral letter names its referral instead."""

    kind = forms.ModelChoiceField(
        label=_("Kind of letter"), queryset=letter_kinds_in_use(), to_field_name="code"
    )
    program = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Program.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
        required=False,
        help_text=_("For a recommendation: the programme it recommends."),
    )
    persons = PersonsField(
        label=_("People"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    niks = forms.CharField(
        label=_("NIKs"),
        required=False,
        max_length=200 * 20,
        widget=forms.Textarea(attrs={"rows": 4, "inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Paste the NIKs of the people of your area, one a line."),
    )
    referral = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, shown_persons=(), for_referral=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_referral:
            self.fields["kind"].queryset = letter_kinds_in_use().filter(
                layout__in=LetterKind.NAMES_A_REFERRAL
            )
        scope = persons_in_scope(user).select_related("household")
        self.fields["persons"].queryset = scope
        # Only the people chosen before (from a household's page) are listed to tick.
        shown = list(shown_persons) or list(
            scope.filter(pk__in=ids_in(self.data.getlist("persons"))) if self.is_bound else []
        )
        self.fields["persons"].widget.choices = [
            (person.pk, self.fields["persons"].label_from_instance(person)) for person in shown
        ]


class LetterRevokeForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LetterFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Letter.Status.choices], required=False
    )
    kind = forms.ModelChoiceField(
        label=_("Kind"), queryset=letter_kinds_in_use(), to_field_name="code", required=False,
        empty_label=_("Any kind"),
    )  # fmt: skip
