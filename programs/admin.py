import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.admin_personal import PersonalListAdmin
from accounts.admin_scoping import (
    UnfilterableFieldsMixin,
    agencies_managed_by,
    is_superuser,
)
from accounts.selectors import region_scope_q
from households.selectors import households_in_scope
from programs.models import Agency, Enrollment, Program
from programs.rules import rule_q, validate_rule, with_rule_fields
from regions.models import Region
from regions.selectors import regions_managed_by


def agency_changeable_by(user, agency_id: int) -> bool:
    return agencies_managed_by(user, Agency.objects.all()).filter(pk=agency_id).exists()


@admin.register(Agency)
class AgencyAdmin(UnfilterableFieldsMixin, admin.ModelAdmin):
    """Agencies are shared by every area. Their contact and webhook settings are changed
    only by an administrator whose area covers the region the agency serves
    (`agencies_managed_by`); others read them, without the signing secret."""

    list_display = ["name", "level", "region", "email", "is_active"]
    list_filter = ["level", "is_active"]
    list_select_related = ["region"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
    # Webhooks are https only: an address typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    unfilterable_fields = ("webhook_secret",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not agency_changeable_by(request.user, obj.pk):
            return False
        return super().has_change_permission(request, obj)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if obj is not None and not self.has_change_permission(request, obj):
            exclude.append("webhook_secret")  # read-only: the secret is not shown
        return exclude

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = regions_managed_by(request.user, Region.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def parse_rule_text(text: str):
    """JSON as a rule may be written: no NaN or Infinity (PostgreSQL's JSON has none), no
    number or nesting so large that parsing fails; `ValidationError` says what is wrong."""

    def refuse(constant):
        raise ValidationError(_("%(value)s is not a number JSON allows.") % {"value": constant})

    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("This is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": error.lineno, "column": error.colno}
        ) from error
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, 10,000 brackets
        raise ValidationError(_("This JSON is too large or too deeply nested.")) from error


class IndentedJSONField(forms.JSONField):
    """A JSON field shown indented, so that a rule reads clause by clause."""

    def to_python(self, value):
        if self.disabled or value in self.empty_values or not isinstance(value, str):
            return super().to_python(value)
        return parse_rule_text(value)

    def bound_data(self, data, initial):
        if self.disabled:
            return initial
        try:
            return parse_rule_text(data) if isinstance(data, str) else data
        except ValidationError:
            return forms.fields.InvalidJSONInput(data)  # shown back as typed

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    """Programmes and their eligibility rules; `Program.clean` refuses a malformed rule,
    naming the clause, before anything is saved."""

    list_display = [
        "code", "name", "level", "agency", "response_days", "requires_decision", "is_active",
    ]  # fmt: skip
    list_filter = ["level", "is_active", "requires_decision", "is_reactivation"]
    list_select_related = ["agency"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["agency"]
    filter_horizontal = ["required_kinds"]

    class Media:
        js = ["js/rule_preview.js"]

    def has_change_permission(self, request, obj=None):
        # A programme changes with its agency: by those who may change the agency.
        if obj is not None and not agency_changeable_by(request.user, obj.agency_id):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = agencies_managed_by(request.user, Agency.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        preview = path(
            "rule-preview/",
            self.admin_site.admin_view(require_POST(self.rule_preview)),
            name="programs_program_rule_preview",
        )
        return [preview, *super().get_urls()]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "domains":  # JSON too, read with the rule's limits
            kwargs["form_class"] = IndentedJSONField
        if db_field.name == "rule":
            kwargs["form_class"] = IndentedJSONField
            kwargs["help_text"] = _(
                'JSON, such as {"all": [{"field": "desil", "op": "lte", "value": 4}]}. '
                '"Preview" counts the households of your area the rule selects, before saving.'
            )
            kwargs["widget"] = forms.Textarea(
                attrs={
                    "rows": 16,
                    "class": "vLargeTextField",
                    "data-preview-url": reverse("admin:programs_program_rule_preview"),
                    "data-preview-label": _("Preview"),
                }
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def rule_preview(self, request: HttpRequest) -> JsonResponse:
        """How many households of the user's area a rule (not yet saved) selects."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        return rule_preview_response(request.user, request.POST.get("rule", ""))


def rule_preview_response(user, text: str) -> JsonResponse:
    """The preview's answer: the count in `user`'s scope, or what is wrong with the rule."""
    try:
        rule = parse_rule_text(text)
        validate_rule(rule, known_programs=set(Program.objects.values_list("code", flat=True)))
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    households = with_rule_fields(households_in_scope(user))
    total = households.count()
    matching = households.filter(rule_q(rule, today=timezone.localdate())).count()
    message = _("%(matching)s of the %(total)s households in your area match this rule.") % {
        "matching": number_format(matching, force_grouping=True),
        "total": number_format(total, force_grouping=True),
    }
    return JsonResponse({"matching": matching, "total": total, "message": message})


@admin.register(Enrollment)
class EnrollmentAdmin(PersonalListAdmin, admin.ModelAdmin):
    list_display = ["household", "program", "since", "is_active", "source"]
    list_filter = ["program", "is_active"]
    list_select_related = ["household", "program"]
    raw_id_fields = ["household"]
    show_full_result_count = False

    def get_queryset(self, request):
        enrollments = super().get_queryset(request)
        if is_superuser(request.user):
            return enrollments
        return enrollments.filter(region_scope_q(request.user, "household__region"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "household" and not is_superuser(request.user):
            kwargs["queryset"] = households_in_scope(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
