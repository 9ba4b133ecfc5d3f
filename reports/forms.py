import datetime

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessLog
from accounts.selectors import staff_profile_of
from households.selectors import districts_for, persons_in_scope, regions_for
from regions.models import Region
from reports.selectors import Period
from slrt.date_inputs import LocalDateField


class ExportForm(forms.Form):
    """Why a list leaves the system: asked before each export and kept in the access log."""

    PURPOSES = [
        (AccessLog.Purpose.SUPERVISION, AccessLog.Purpose.SUPERVISION.label),
        (AccessLog.Purpose.PROGRAM_PLANNING, AccessLog.Purpose.PROGRAM_PLANNING.label),
    ]

    purpose = forms.ChoiceField(
        label=_("Purpose of this export"),
        choices=[("", "—"), *PURPOSES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class PeriodForm(forms.Form):
    """The dashboard's period (whole days) and, optionally, one district of the user's area."""

    LONGEST = datetime.timedelta(days=5 * 366)

    start = LocalDateField(label=_("From"))
    end = LocalDateField(label=_("Until"))
    district = forms.ModelChoiceField(
        label=_("District"), queryset=Region.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, data: QueryDict, *, user: AbstractBaseUser, today: datetime.date):
        a_year_ago = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
        defaults = {"start": f"{a_year_ago:%d-%m-%Y}", "end": f"{today:%d-%m-%Y}"}
        super().__init__({**defaults, **data.dict()})
        self.fields["district"].queryset = districts_for(user)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end must not come before the start."))
            elif end - start > self.LONGEST:
                self.add_error("start", _("Choose a period of at most five years."))
            elif start.year < 2000:
                self.add_error("start", _("Choose a date from 2000 on."))
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class MonthlyReportForm(forms.Form):
    """A month and a regency (or, for a narrower working area, that area)."""

    # A text box, as the date fields (`slrt.date_inputs`): an `<input type="month">` shows
    # the browser's language ("December 2026" in an English Chromium).
    MONTH_FORMATS = ("%m-%Y", "%m/%Y", "%Y-%m")  # the ISO form: links and older pages
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("MM-YYYY"), "autocomplete": "off"}
        ),
        help_text=_("Month and year, as 11-2026."),
    )
    area = forms.ModelChoiceField(
        label=_("Regency/city"),
        queryset=Region.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data: QueryDict, *, user: AbstractBaseUser, today: datetime.date):
        profile = staff_profile_of(user)
        scope = profile.scope if profile else None
        areas = regions_for(user, Region.Level.REGENCY)
        if scope is not None and scope.level > Region.Level.REGENCY:
            areas = Region.objects.filter(pk=scope.pk)
        defaults = {"month": today.strftime("%m-%Y")}
        first = areas.first()
        if first is not None:
            defaults["area"] = first.pk
        super().__init__({**defaults, **data.dict()})
        self.fields["area"].queryset = areas

    def clean_month(self) -> datetime.date:
        typed = self.cleaned_data["month"].strip()
        for month_format in self.MONTH_FORMATS:
            try:
                month = datetime.datetime.strptime(typed, month_format).date()
                break
            except ValueError:
                continue
        else:
            raise forms.ValidationError(
                _("Write the month as MM-YYYY, for example 11-2026."), code="invalid"
            )
        if month.year < 2000 or month > timezone.localdate():
            raise forms.ValidationError(
                _("Choose a month from 2000 up to this month."), code="out_of_range"
            )
        return month

    def period(self) -> Period:
        return Period.month_of(self.cleaned_data["month"])


class PersonDataForm(forms.Form):
    """Whose data: a NIK of a person in the user's working area."""

    nik = forms.CharField(
        label=_("NIK of the person asking"),
        min_length=16,
        max_length=16,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_nik(self) -> str:
        nik = self.cleaned_data["nik"].strip()
        person = persons_in_scope(self.user).filter(nik=nik).first() if nik.isdigit() else None
        if person is None:
            raise forms.ValidationError(
                _("No person with this NIK lives in your working area."), code="not_found"
            )
        self.cleaned_data["person"] = person
        return nik
