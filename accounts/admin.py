from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import (
    ReadOnlyAdminMixin,
    ScopedHistoryAdmin,
    UnfilterableFieldsMixin,
    is_superuser,
    manages_user,
    offices_managed_by,
    offices_seen_by,
    users_managed_by,
)
from accounts.models import AccessLog, Office, StaffProfile
from accounts.roles import ADMIN_SITE_ROLES, Role, grantable_roles, user_roles
from accounts.selectors import access_log_for
from households.masking import mask_identifiers_in
from regions.models import Region
from regions.selectors import regions_managed_by
from slrt.pagination import EstimatedCountPaginator


class ScopeChoicesMixin:
    """Staff may give others only a working area inside their own; anyone but a superuser
    must give one (a user without a working area is a superuser's to manage)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scope":
            kwargs["queryset"] = regions_managed_by(request.user, Region.objects.all())
            if not is_superuser(request.user):
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffProfileInline(ScopeChoicesMixin, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["scope", "agency"]

    def get_min_num(self, request, obj=None, **kwargs):
        # A user made by a scoped administrator gets its profile, in their area, at once.
        return 0 if is_superuser(request.user) else 1

    def get_formset(self, request, obj=None, **kwargs):
        # Held to it: a post without the profile's form is refused, not saved profile-less.
        kwargs.setdefault("validate_min", not is_superuser(request.user))
        return super().get_formset(request, obj, **kwargs)


def role_label(group: Group) -> str:
    """A role's name in the interface's language; another group's own name."""
    return Role(group.name).label if group.name in Role.values else group.name


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Staff accounts. Everyone but a superuser reaches only the users of
    `accounts.admin_scoping.users_managed_by`, pages, password page and choices alike, and
    gives only the roles they may grant."""

    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "scope", "roles"]
    list_select_related = ["staff_profile__scope"]
    list_filter = ["is_active", "groups"]

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        return users_managed_by(request.user, users)

    def _reaches(self, request, obj) -> bool:
        return obj is None or manages_user(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self._reaches(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._reaches(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._reaches(request, obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_superuser(request.user):
            # Only a superuser makes superusers, opens the admin to someone or hands out
            # permissions outside the roles; here who opens the admin follows the role.
            readonly += ["is_superuser", "is_staff", "user_permissions"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "groups":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        if not is_superuser(request.user):
            kwargs["queryset"] = Group.objects.filter(name__in=grantable_roles(request.user))
        # A handful of roles: one checkbox each, named as the pages name them.
        kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        field.label = _("Roles")
        field.help_text = _("What the user does here. You may give the roles you hold or lower.")
        field.label_from_instance = role_label
        return field

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not is_superuser(request.user):
            user._slrt_roles = None
            opens_admin = not user_roles(user).isdisjoint(ADMIN_SITE_ROLES)
            if user.is_staff != opens_admin:
                User.objects.filter(pk=user.pk).update(is_staff=opens_admin)

    @admin.display(description=StaffProfile._meta.get_field("scope").verbose_name)
    def scope(self, user: User) -> str:
        profile = getattr(user, "staff_profile", None)
        return str(profile.scope) if profile and profile.scope else "—"

    @admin.display(description=_("Roles"))
    def roles(self, user: User) -> str:
        return ", ".join(str(role_label(group)) for group in user.groups.all())


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopeChoicesMixin, ScopedHistoryAdmin):
    """Profiles of the users one manages. A profile is made with its user, on the user's
    page; only a superuser adds one here or moves one to another user."""

    list_display = ["user", "scope", "agency", "service_point"]
    list_select_related = ["user", "scope", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "scope__name"]
    autocomplete_fields = ["user", "scope", "agency"]

    def get_queryset(self, request):
        profiles = super().get_queryset(request)
        if is_superuser(request.user):
            return profiles
        return profiles.filter(user__in=users_managed_by(request.user, User.objects.all()))

    def has_add_permission(self, request):
        return is_superuser(request.user) and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_superuser(request.user):
            readonly.append("user")
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = users_managed_by(request.user, User.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Office)
class OfficeAdmin(ScopedHistoryAdmin):
    """The offices and what their printouts carry. An administrator changes the offices of
    their area (`offices_managed_by`) and reads those above it; supervisors read them."""

    list_display = ["name", "region", "phone", "head_name"]
    list_select_related = ["region"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]
    fieldsets = [
        (None, {"fields": ["region", "name", "address", "phone", "email"]}),
        (_("Signature"), {"fields": ["head_name", "head_position", "head_nip", "signing_place"]}),
        (_("Letters"), {"fields": ["letter_number_pattern"]}),
    ]

    def get_queryset(self, request):
        return offices_seen_by(request.user, super().get_queryset(request))

    def _manages(self, request, obj) -> bool:
        return offices_managed_by(request.user, Office.objects.filter(pk=obj.pk)).exists()

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._manages(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        # Who changed an office, and when, is its area's, as a region's renaming is: the list
        # names administrators whom those of a district below do not see among the users.
        self._require_visible(request, object_id)
        if not self._manages(request, self.get_queryset(request).get(pk=object_id)):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = regions_managed_by(request.user, Region.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AccessLog)
class AccessLogAdmin(UnfilterableFieldsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The access log, read-only, through the same selector as its page."""

    list_display = ["at", "user", "action", "purpose", "what", "rows"]
    list_select_related = ["user"]
    list_filter = ["action", "purpose"]
    # What was searched is found whole only: digits of it would rebuild a masked number.
    search_fields = ["user__username", "what", "=query"]
    search_help_text = _("A user name, or words of what was seen or searched.")
    readonly_fields = ["query_masked"]
    unfilterable_fields = ("query",)  # masked in the list; found whole by the search only
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return access_log_for(request.user)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "query_masked"]
        return ["query_masked" if name == "query" else name for name in fields]

    @admin.display(description=AccessLog._meta.get_field("query").verbose_name)
    def query_masked(self, entry: AccessLog) -> str:
        """What was searched, NIK and KK numbers masked, as the access-log page shows it."""
        return mask_identifiers_in(entry.query)
