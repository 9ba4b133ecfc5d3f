"""The admin's lists of personal data: each page shown is logged, as the registry's lists
are. (No lookup in the address gets round a masked number: `UnfilterableFieldsMixin`.)"""

from django.http import HttpRequest

from accounts.services import personal_list_shown


class PersonalListAdmin:
    """For a ModelAdmin whose change list shows people or households (an address, who
    receives what): each page shown writes a row, with its filters and how many rows it
    showed. A search writes its own row where it is run (`get_search_results`)."""

    personal_list_what = ""  # the list's name in the log; the model's plural by default

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and not changelist.query:
            personal_list_shown(
                actor=request.user,
                what=str(self.personal_list_what or self.model._meta.verbose_name_plural),
                rows=len(changelist.result_list),
                filters=request.GET.urlencode(),
                path=request.path,
            )
        return response
