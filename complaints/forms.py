from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintCategory
from complaints.services import CLOSURE_REASONS
from households.models import Household


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category: ComplaintCategory) -> str:
        if category.parent_id:
            return f"{category.parent.display_name} › {category.display_name}"
        return category.display_name


class ComplaintForm(forms.ModelForm):
    """The intake form: short, the household already chosen."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=ComplaintCategory.objects.filter(is_active=True).select_related("parent"),
    )

    class Meta:
        model = Complaint
        fields = [
            "complainant", "complainant_name", "channel", "category", "urgency", "description",
            "consent_given",
        ]  # fmt: skip
        widgets = {
            "urgency": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        members = self.fields["complainant"]
        members.queryset = household.members.all()
        members.empty_label = _("— not a member: write the name below —")
        members.required = False
        self.fields["channel"].initial = Complaint.Channel.WALK_IN
        self.fields["complainant_name"].required = False

    def _post_clean(self):
        # The instance is not complete (no household, ticket, dates) until the service makes
        # it: skip the model's own validation, which the service covers.
        pass


class CloseForm(forms.Form):
    closure_reason = forms.ChoiceField(
        label=_("How did it end?"), choices=Complaint.ClosureReason.choices
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = CLOSURE_REASONS.get(complaint.status, set())
        self.fields["closure_reason"].choices = [
            (value, label) for value, label in Complaint.ClosureReason.choices if value in allowed
        ]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username
