"""Forms of the changes in a household's life (`households.lifecycle`). They read shapes;
the services judge the rest and say it at the fields named here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms import CHOOSE_LABEL
from households.lifecycle import EVIDENCE_KINDS
from households.models import Household, Person
from households.registry_codes import Relationship
from slrt.date_inputs import LocalDateField


def member_label(person: Person) -> str:
    return f"{person.name} · {person.get_relationship_display()}"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person: Person) -> str:
        return member_label(person)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person: Person) -> str:
        return member_label(person)


def _members(household: Household, **options) -> MemberChoiceField:
    return MemberChoiceField(
        queryset=household.members.active(), empty_label=CHOOSE_LABEL, **options
    )


class _LeaveForm(forms.Form):
    """Who leaves, when, and who heads the household after a head."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Member"))
    date = LocalDateField(label=_("Date"))
    new_head = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("New head of household"),
        required=False,
        help_text=_("Needed when the head leaves and others stay."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = _members(household, label=_("Member"))
        self.fields["new_head"] = _members(
            household,
            label=_("New head of household"),
            required=False,
            help_text=self.fields["new_head"].help_text,
        )
        self.order_fields(["person", "date"])


class DeathForm(_LeaveForm):
    evidence_kind = forms.ChoiceField(
        label=_("Document"), choices=[("", CHOOSE_LABEL), *EVIDENCE_KINDS.items()]
    )
    evidence_number = forms.CharField(label=_("Number of the document"), max_length=60)


class MoveOutForm(_LeaveForm):
    destination = forms.CharField(
        label=_("Moved to"),
        max_length=255,
        help_text=_("The address, village or city the person moved to."),
    )


class SplitForm(forms.Form):
    members = MembersChoiceField(
        queryset=Person.objects.none(),
        label=_("Members who found the new family card"),
        widget=forms.CheckboxSelectMultiple,
    )
    new_head = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Head of the new KK"))
    remaining_head = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("New head of this household"),
        required=False,
        help_text=_("Needed when the head leaves with the new KK."),
    )
    new_kk_number = forms.CharField(label=_("New KK number"), max_length=16)
    address = forms.CharField(label=_("Address of the new household"), max_length=255)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = household.members.active()
        for name in ("new_head", "remaining_head"):
            old = self.fields[name]
            self.fields[name] = _members(
                household, label=old.label, required=old.required, help_text=old.help_text
            )


class MergeForm(forms.Form):
    target_kk_number = forms.CharField(
        label=_("KK number of the household it joins"),
        max_length=16,
        help_text=_("Its members join that household; this one ends."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DissolveForm(forms.Form):
    reason = forms.CharField(label=_("Why the household ends"), max_length=500)


class TransferRequestForm(forms.Form):
    nik = forms.RegexField(
        label=_("NIK of the person who moves in"),
        regex=r"^[0-9]{16}$",
        error_messages={"invalid": _("A NIK is 16 digits.")},
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the head"),
        choices=[("", CHOOSE_LABEL), *Relationship.choices],
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TransferDecisionForm(forms.Form):
    APPROVE, REFUSE = "approve", "refuse"

    transfer = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
