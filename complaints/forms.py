from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintCategory, Need
from complaints.services import CLOSURE_REASONS
from households.forms import CHOOSE_LABEL, PHONE_INPUT, ContactFieldsMixin
from households.models import Household
from programs.models import NeedDomain


class CategoryChoiceField(forms.ModelChoiceField):
    """The category tree as a list: a category with sub-categories is a group of them,
    the category itself first (for a complaint of that kind in general)."""

    def label_from_instance(self, category: ComplaintCategory) -> str:
        if category.parent_id:
            return f"{category.parent.display_name} › {category.display_name}"
        return category.display_name

    def group_by_parent(self) -> None:
        categories = list(self.queryset)
        children: dict[int, list[ComplaintCategory]] = {}
        for category in categories:
            if category.parent_id:
                children.setdefault(category.parent_id, []).append(category)
        choices: list = [("", CHOOSE_LABEL)]
        for category in categories:
            if category.parent_id and category.parent_id in {c.pk for c in categories}:
                continue  # listed in its parent's group
            below = children.get(category.pk)
            if not below:
                choices.append((category.pk, self.label_from_instance(category)))
                continue
            general = _("%(name)s (in general)") % {"name": category.display_name}
            choices.append(
                (
                    category.display_name,
                    [(category.pk, general), *((c.pk, c.display_name) for c in below)],
                )
            )
        self.choices = choices


class ComplaintForm(ContactFieldsMixin, forms.ModelForm):
    """The intake form: short, the household already chosen."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=ComplaintCategory.objects.filter(is_active=True).select_related("parent"),
    )

    class Meta:
        model = Complaint
        fields = [
            "complainant", "complainant_name", "channel", "category", "urgency", "description",
            "consent_given", "phone", "contact_channel", "contact_consent",
        ]  # fmt: skip
        widgets = {
            "urgency": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "phone": PHONE_INPUT,
        }

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        members = self.fields["complainant"]
        members.queryset = household.members.all()
        members.empty_label = _("— not a member: write the name below —")
        members.required = False
        if not self.is_bound and not self.initial.get("complainant"):
            head = household.head
            self.initial["complainant"] = head.pk if head else None
        if not self.is_bound:
            self._prefill_contact(household)
        self.fields["complainant_name"].required = False
        self.fields["complainant_name"].help_text = _(
            "Only for someone who is not a member of the household."
        )
        self.fields["channel"].choices = Complaint.Channel.choices  # required: no empty choice
        self.fields["channel"].initial = Complaint.Channel.WALK_IN
        self.fields["category"].group_by_parent()

    def _prefill_contact(self, household: Household) -> None:
        """The contact of the complainant chosen first, from their record, if it has a phone."""
        chosen = str(self.initial.get("complainant") or "")
        member = next((m for m in household.members.all() if str(m.pk) == chosen), None)
        if member is not None and member.phone:
            self.initial.setdefault("phone", member.phone)
            self.initial.setdefault("contact_channel", member.contact_channel)
            self.initial.setdefault("contact_consent", member.contact_consent)

    def _post_clean(self):
        # The instance is not complete (no household, ticket, dates) until the service makes
        # it: skip the model's own validation, which the service covers.
        pass


class CloseForm(forms.Form):
    """Closing a complaint, which cannot be undone: made only with `confirm`, sent by the
    confirmation page; without it that page is shown."""

    closure_reason = forms.ChoiceField(
        label=_("How did it end?"), choices=Complaint.ClosureReason.choices
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = CLOSURE_REASONS.get(complaint.status, set())
        self.fields["closure_reason"].choices = [
            (value, label) for value, label in Complaint.ClosureReason.choices if value in allowed
        ]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, empty_label=CHOOSE_LABEL)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class AssessmentForm(forms.Form):
    """One row per need domain: tick the domain, give its severity and a note."""

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {need.domain: need for need in assessment.needs.all()} if assessment else {}
        for domain, label in NeedDomain.choices:
            need = existing.get(domain)
            self.fields[f"{domain}__on"] = forms.BooleanField(
                label=label,
                required=False,
                initial=need is not None,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"{domain}__severity"] = forms.TypedChoiceField(
                label=_("Severity"),
                choices=Need.Severity.choices,
                coerce=int,
                required=False,  # the service checks the severity of each ticked domain
                empty_value=None,
                initial=need.severity if need else Need.Severity.MEDIUM,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{domain}__notes"] = forms.CharField(
                label=_("Notes"), required=False, max_length=500,
                initial=need.notes if need else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )  # fmt: skip

    def rows(self):
        for domain, label in NeedDomain.choices:
            yield (
                label,
                self[f"{domain}__on"],
                self[f"{domain}__severity"],
                self[f"{domain}__notes"],
            )

    def needs(self) -> list[dict]:
        return [
            {
                "domain": domain,
                "severity": self.cleaned_data[f"{domain}__severity"],
                "notes": self.cleaned_data[f"{domain}__notes"],
            }
            for domain in NeedDomain.values
            if self.cleaned_data.get(f"{domain}__on")
        ]


class SurveyForm(forms.Form):
    """The nine questions of the satisfaction survey (`complaints.survey.ELEMENTS`), each
    answered 1–4, and an optional suggestion: on the resident's page and at the desk."""

    suggestion = forms.CharField(
        label=_("Suggestion (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "maxlength": "1000"}),
        help_text=_("Read only by the office's staff."),
    )

    def __init__(self, *args, **kwargs):
        from complaints.survey import ELEMENTS

        super().__init__(*args, **kwargs)
        answers = {}
        for element in ELEMENTS:
            answers[element.field] = forms.TypedChoiceField(
                label=element.question,
                choices=list(enumerate(element.answers, start=1)),
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": _("Choose one of the four answers."),
                    "invalid_choice": _("Choose one of the four answers."),
                },
            )
        self.fields = {**answers, "suggestion": self.fields["suggestion"]}
        self.elements = ELEMENTS

    def questions(self):
        """Each element with its bound field, in order, for the template."""
        return [(element, self[element.field]) for element in self.elements]

    def scores(self) -> dict[str, int]:
        return {element.field: self.cleaned_data[element.field] for element in self.elements}
