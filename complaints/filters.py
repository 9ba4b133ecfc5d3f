import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.forms import CategoryChoiceField
from complaints.models import Complaint, ComplaintCategory
from regions.models import Region
from slrt.filters import ListFilterSet


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


class ComplaintFilter(ListFilterSet):
    """The queues' filters: category, urgency, status and district."""

    category = CategoryFilter(
        label=_("Category"),
        queryset=ComplaintCategory.objects.select_related("parent"),
        method="filter_category",
    )
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Complaint.Urgency.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Complaint.Status.choices)
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=Region.objects.none(), method="filter_district"
    )

    class Meta:
        model = Complaint
        fields = ["category", "urgency", "status", "district"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = districts

    def filter_category(self, queryset, name, category):
        # A parent category includes its children.
        return queryset.filter(Q(category=category) | Q(category__parent=category))

    def filter_district(self, queryset, name, district):
        return queryset.filter(household__region__parent=district)
