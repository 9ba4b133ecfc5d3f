import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.forms import CategoryChoiceField
from complaints.models import Complaint, ComplaintCategory
from complaints.selectors import SEARCH_MIN_LENGTH, complaint_search_q
from regions.models import Region
from slrt.filters import ListFilterSet, SearchFilter


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


class ComplaintFilter(ListFilterSet):
    """The queues' search (ticket number or name) and filters: category, urgency, status
    and district."""

    q = SearchFilter(
        label=_("Ticket number or name"),
        method="filter_search",
        min_chars=SEARCH_MIN_LENGTH,
        help_text=_("A ticket number or a part of it, or the name of the head or complainant."),
    )

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
        fields = ["q", "category", "urgency", "status", "district"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = districts

    def filter_search(self, queryset, name, term: str):
        return queryset.filter(complaint_search_q(term))

    def filter_category(self, queryset, name, category):
        # A parent category includes its children.
        return queryset.filter(Q(category=category) | Q(category__parent=category))

    def filter_district(self, queryset, name, district):
        return queryset.filter(household__region__parent=district)
