from django.contrib import admin

from programs.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "email", "is_active"]
    list_filter = ["level", "is_active"]
    list_select_related = ["region"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
