from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import StaffProfile


class StaffProfileInline(admin.StackedInline):
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
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=StaffProfile._meta.get_field("scope").verbose_name)
    def scope(self, user: User) -> str:
        profile = getattr(user, "staff_profile", None)
        return str(profile.scope) if profile and profile.scope else "—"

    @admin.display(description=User._meta.get_field("groups").verbose_name)
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "scope", "agency", "service_point"]
    list_select_related = ["user", "scope", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "scope__name"]
    autocomplete_fields = ["user", "scope", "agency"]
