from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import ReadOnlyAdminMixin, ScopedHistoryAdmin
from accounts.models import AccessLog, StaffProfile
from accounts.selectors import access_log_for, region_scope_q, scope_code_of
from households.models import Region
from slrt.pagination import EstimatedCountPaginator


def _regions_in_scope(request):
    scope = scope_code_of(request.user)
    if request.user.is_superuser:
        return Region.objects.all()
    if scope is None:
        return Region.objects.none()
    return Region.objects.filter(Q(code=scope) | Q(code__startswith=f"{scope}."))


class ScopeChoicesMixin:
    """Staff may give others only a working area inside their own."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scope":
            kwargs["queryset"] = _regions_in_scope(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffProfileInline(ScopeChoicesMixin, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["scope", "agency"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "scope", "roles"]
    list_select_related = ["staff_profile__scope"]
    list_filter = ["is_active", "groups"]

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        if request.user.is_superuser:
            return users
        # Administrators manage the staff of their own working area.
        return users.filter(region_scope_q(request.user, "staff_profile__scope"))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser makes superusers or hands out permissions outside the roles.
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    @admin.display(description=StaffProfile._meta.get_field("scope").verbose_name)
    def scope(self, user: User) -> str:
        profile = getattr(user, "staff_profile", None)
        return str(profile.scope) if profile and profile.scope else "—"

    @admin.display(description=User._meta.get_field("groups").verbose_name)
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopeChoicesMixin, ScopedHistoryAdmin):
    list_display = ["user", "scope", "agency", "service_point"]
    list_select_related = ["user", "scope", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "scope__name"]
    autocomplete_fields = ["user", "scope", "agency"]

    def get_queryset(self, request):
        profiles = super().get_queryset(request)
        if request.user.is_superuser:
            return profiles
        return profiles.filter(region_scope_q(request.user, "scope"))


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The access log, read-only, through the same selector as its page."""

    list_display = ["at", "user", "action", "purpose", "what", "rows"]
    list_select_related = ["user"]
    list_filter = ["action", "purpose"]
    search_fields = ["user__username", "what", "query"]
    search_help_text = _("A user name, or words of what was seen or searched.")
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return access_log_for(request.user)
