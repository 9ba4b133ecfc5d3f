from django.contrib import admin

from programs.models import Agency, Enrollment, Program


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "email", "is_active"]
    list_filter = ["level", "is_active"]
    list_select_related = ["region"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    """Programmes and their eligibility rules; `Program.clean` refuses a malformed rule,
    naming the clause, before anything is saved."""

    list_display = ["code", "name", "level", "agency", "response_days", "is_active"]
    list_filter = ["level", "is_active"]
    list_select_related = ["agency"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["agency"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["household", "program", "since", "is_active", "source"]
    list_filter = ["program", "is_active"]
    list_select_related = ["household", "program"]
    raw_id_fields = ["household"]
    show_full_result_count = False
