from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.admin_scoping import ReadOnlyAdminMixin
from accounts.roles import SUPERVISING_ROLES, has_role
from complaints.selectors import SEARCH_MIN_LENGTH
from households.admin import HouseholdDistrictFilter
from outbox.models import Dispatch
from outbox.services import dispatch_retry
from programs.models import Agency, Program
from referrals import services
from referrals.models import ReactivationRecord, Referral, ReferralEvent
from referrals.selectors import referral_search_q, referrals_for
from regions.time_zones import moment_text
from slrt.filters import SearchField
from slrt.pagination import LongListAdmin


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "kind", "from_status", "to_status", "actor", "via", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReactivationInline(admin.StackedInline):
    """The PBI-JK reactivation of the referral, read here; it is recorded on its page."""

    model = ReactivationRecord
    extra = 0
    can_delete = False
    fields = ["facility_letter", "uploaded_on", "uploaded_by", "result", "result_on",
              "refusal_reason", "updated_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("acknowledgement", _("not acknowledged in time")),
            ("resolution", _("not settled in time")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "acknowledgement":
            return queryset.filter(Referral.late_to_acknowledge_q(today))
        if self.value() == "resolution":
            return queryset.filter(Referral.late_to_settle_q(today))
        return queryset


def _programs(request) -> list[Program]:
    """The programmes with their agencies, read once for both filters below."""
    if not hasattr(request, "_slrt_admin_programs"):
        request._slrt_admin_programs = list(Program.objects.select_related("agency"))
    return request._slrt_admin_programs


class ProgramFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return sorted(((p.pk, str(p)) for p in _programs(request)), key=lambda c: c[1])


class AgencyFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        agencies = {p.agency.pk: str(p.agency) for p in _programs(request)}
        return sorted(agencies.items(), key=lambda choice: choice[1])


class ReassignForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("New agency"), queryset=Agency.objects.order_by("name"), empty_label=None
    )
    note = forms.CharField(
        label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.register(Referral)
class ReferralAdmin(LongListAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: referrals change through their pages, the API and the services, which keep
    their story and their messages. Supervisors read them here, within their scope, and act
    on several at once through the same services (escalate, reassign, send again)."""

    list_display = ["referral_number", "program_code", "agency", "status", "due_on"]
    list_filter = [
        "status",
        OverdueFilter,
        HouseholdDistrictFilter,
        ("agency", AgencyFilter),
        ("program", ProgramFilter),
    ]
    list_select_related = ["program", "agency", "complaint"]
    # The search is `referral_search_q` (`get_search_results`); a field here shows the box.
    search_fields = ["=complaint__ticket_number"]
    search_help_text = _(
        "A referral number, a ticket number or a part of it (at least three characters), or"
        " the name of the head or complainant."
    )
    # The optimistic lock's counter is the services' business, not a reader's.
    exclude = ["version"]
    readonly_fields = ["messages_to_agency"]
    inlines = [ReferralEventInline, ReactivationInline]
    date_hierarchy = "created_at"
    actions = ["escalate", "reassign", "send_failed_messages_again"]

    # At most this many referrals per action: each is a locked, audited change.
    ACTION_LIMIT = 200

    def get_queryset(self, request):
        return referrals_for(request.user)

    @admin.display(description=_("messages to the agency"))
    def messages_to_agency(self, referral: Referral) -> str:
        """The referral's outbox rows, oldest first: what was sent, how, and how it went."""
        rows = [
            (d.get_kind_display(), d.get_channel_display(), d.get_status_display(),
             moment_text(d.created_at), d.last_error)
            for d in referral.dispatches.order_by("pk")
        ]  # fmt: skip
        if not rows:
            return "—"
        return format_html_join(
            "", '<div>{} · {} · {} · {} <span class="quiet">{}</span></div>', rows
        )

    @admin.display(description=_("referral number"), ordering="created_at")
    def referral_number(self, referral: Referral) -> str:
        """The number, and below it the day the referral was made (one column less)."""
        return format_html(
            '{}<div class="quiet">{}</div>',
            referral.number,
            date_format(timezone.localtime(referral.created_at), "d-m-Y"),
        )

    @admin.display(description=_("programme"))
    def program_code(self, referral: Referral) -> str:
        return referral.program.code

    @admin.display(description=_("acknowledgement due"), ordering="response_due")
    def due_on(self, referral: Referral) -> str:
        return date_format(referral.response_due, "d-m-Y") if referral.response_due else "—"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_search_results(self, request, queryset, search_term):
        """The web list's search (`referral_search_q`), inside the user's scope: a whole
        number through its index, a part of one or a name through trigram indexes."""
        if not search_term.strip():
            return queryset, False
        try:  # what the web lists' search box refuses, with its message
            SearchField(min_chars=SEARCH_MIN_LENGTH).clean(search_term)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, level=messages.ERROR)
            return queryset.none(), False
        return queryset.filter(referral_search_q(search_term)), False

    def get_actions(self, request):
        if not has_role(request.user, *SUPERVISING_ROLES):
            return {}
        return super().get_actions(request)

    def _each(self, request, queryset, change, done_message: Promise) -> None:
        """Apply `change` to each chosen referral; say how many it changed and why others
        were refused. A refusal leaves that referral as it was."""
        referrals = list(queryset.select_related("complaint")[: self.ACTION_LIMIT + 1])
        if len(referrals) > self.ACTION_LIMIT:
            self.message_user(
                request,
                _("Choose at most %(limit)s referrals at a time.") % {"limit": self.ACTION_LIMIT},
                messages.ERROR,
            )
            return
        done, refused = 0, []
        for referral in referrals:
            try:
                summary = change(referral)
            except ValidationError as error:
                refused.append(f"{referral.number}: {' '.join(error.messages)}")
            else:
                done += 1
                self.log_change(request, referral, summary)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description=_("Escalate to the agency, with the supervisors in copy"))
    def escalate(self, request, queryset):
        def change(referral):
            services.referral_escalate(actor=request.user, referral=referral)
            return str(_("Escalated"))

        done = ngettext_lazy(
            "%(count)s referral escalated.", "%(count)s referrals escalated.", "count"
        )
        self._each(request, queryset, change, done)

    @admin.action(description=_("Send to another agency…"))
    def reassign(self, request, queryset):
        form = ReassignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            agency, note = form.cleaned_data["agency"], form.cleaned_data["note"]

            def change(referral):
                services.referral_reassign(
                    actor=request.user, referral=referral, agency=agency, note=note
                )
                return str(_("Sent to %(agency)s") % {"agency": agency.name})

            done = ngettext_lazy(
                "%(count)s referral sent to another agency.",
                "%(count)s referrals sent to another agency.",
                "count",
            )
            self._each(request, queryset, change, done)
            return None
        return TemplateResponse(
            request,
            "admin/referrals/referral/reassign.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Send to another agency"),
                "opts": self.model._meta,
                "form": form,
                "referrals": queryset.select_related("program", "agency")[: self.ACTION_LIMIT],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Send their undelivered messages again"))
    def send_failed_messages_again(self, request, queryset):
        def change(referral):
            failed = list(referral.dispatches.filter(status=Dispatch.Status.FAILED))
            if not failed:
                raise ValidationError(_("No undelivered message."))
            for dispatch in failed:
                dispatch_retry(actor=request.user, dispatch=dispatch)
            return str(_("Undelivered messages sent again"))

        done = ngettext_lazy(
            "The messages of %(count)s referral are sent again.",
            "The messages of %(count)s referrals are sent again.",
            "count",
        )
        self._each(request, queryset, change, done)
