import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.selectors import SEARCH_MIN_LENGTH
from programs.models import Agency, Program
from referrals.models import Referral
from referrals.selectors import documents_asked_q, referral_search_q
from regions.models import Region, within_q
from slrt.filters import ListFilterSet, SearchFilter


class ReferralFilter(ListFilterSet):
    """The referral list's search (referral or ticket number, name) and filters: status,
    programme, agency, district, what is late and what its agency asks documents for."""

    OVERDUE_CHOICES = [
        ("acknowledgement", _("not acknowledged in time")),
        ("resolution", _("not settled in time")),
    ]

    q = SearchFilter(
        label=_("Referral number, ticket number or name"),
        method="filter_search",
        min_chars=SEARCH_MIN_LENGTH,
        help_text=_(
            "A referral number, a ticket number or a part of it, or the name of the head or"
            " complainant."
        ),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Referral.Status.choices)
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        queryset=Program.objects.order_by("code"),
        to_field_name="code",
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.filter(programs__isnull=False).distinct()
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=Region.objects.none(), method="filter_district"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"), choices=OVERDUE_CHOICES, method="filter_overdue"
    )

    documents = django_filters.ChoiceFilter(
        label=_("Documents"),
        choices=[("asked", _("the agency asks for a document"))],
        method="filter_documents",
    )

    class Meta:
        model = Referral
        fields = ["q", "status", "program", "agency", "district", "overdue", "documents"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = districts

    def filter_search(self, queryset, name, term: str):
        return queryset.filter(referral_search_q(term))

    def filter_district(self, queryset, name, district: Region):
        return queryset.filter(within_q(district.code, "household__region"))

    def filter_documents(self, queryset, name, value: str):
        return queryset.filter(documents_asked_q())

    def filter_overdue(self, queryset, name, value: str):
        today = timezone.localdate()
        if value == "acknowledgement":
            return queryset.filter(Referral.late_to_acknowledge_q(today))
        return queryset.filter(Referral.late_to_settle_q(today))
