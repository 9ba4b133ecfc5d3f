"""Registry pages. Every household they show comes through `households.selectors`; every
household they save goes through `households.services`."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.models import AccessLog
from accounts.roles import REGISTRY_READING_ROLES, REGISTRY_ROLES, SUPERVISING_ROLES, Role, has_role
from accounts.services import access_record, personal_list_shown
from households import services
from households.forms import (
    DuplicateDecisionForm,
    HouseholdFilterForm,
    HouseholdForm,
    MemberFormSet,
    RegistryImportForm,
    RegistrySearchForm,
)
from households.models import Household
from households.registry_codes import ASSETS, Relationship
from households.selectors import (
    SIXTEEN_DIGITS,
    duplicate_pair_for,
    household_get_for,
    household_list_for,
    possible_duplicates,
    registry_import_get_for,
    registry_imports_for,
    registry_search,
)
from regions.models import within_q
from slrt.field_errors import add_service_errors, formset_rows
from slrt.middleware import shows_whole_identifiers
from slrt.pagination import EstimatedCountPaginator
from slrt.views import job_page, job_run_again

EDITOR_ROLES = (Role.FRONT_OFFICE, Role.BACK_OFFICE)
MEMBERS_PREFIX = "members"


@role_required(*REGISTRY_READING_ROLES)
def household_search(request: HttpRequest) -> HttpResponse:
    """Search first: one box for a NIK, a KK number or a name; below it, the households of
    the user's area, newest first, filterable by region. Facilitators read it too."""
    search = RegistrySearchForm(request.GET or None)
    result = None
    if search.is_valid() and search.cleaned_data["q"].strip():
        result = registry_search(request.user, search.cleaned_data["q"])
        services.registry_searched(
            actor=request.user,
            query=result.query,
            found=len(result.persons),
            path=request.path,
        )
    filters = HouseholdFilterForm(request.GET or None, user=request.user)
    page = None
    if result is None:
        households = household_list_for(request.user)
        if filters.is_valid() and filters.cleaned_data["region"]:
            region = filters.cleaned_data["region"]
            households = households.filter(within_q(region.code, "region"))
        page = EstimatedCountPaginator(households, 25).get_page(request.GET.get("page"))
        personal_list_shown(
            actor=request.user,
            what=_("Households"),
            rows=len(page.object_list),
            filters=request.GET.urlencode(),
            path=request.path,
        )
    return render(
        request,
        "households/household_search.html",
        {
            "search": search,
            "result": result,
            "filters": filters,
            "page": page,
            "may_register": request.user.has_perm("households.add_household"),
        },
    )


@shows_whole_identifiers
@role_required(*REGISTRY_READING_ROLES)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One household whole. A facilitator reads it without its complaints: they open no
    complaint, so the page neither lists nor links them."""
    household: Household = household_get_for(request.user, pk)
    # The household's complaints and programmes, through reverse relations: the registry does
    # not import the apps that build on it.
    shows_complaints = has_role(request.user, *REGISTRY_ROLES)
    complaints = (
        household.complaints.select_related("category", "complainant").order_by("-registered_at")
        if shows_complaints
        else None
    )
    enrollments = household.enrollments.active().select_related("program")
    services.household_identifiers_seen(actor=request.user, household=household, path=request.path)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "complaints": complaints,
            "shows_complaints": shows_complaints,
            "enrollments": enrollments.order_by("program__code"),
            "housing": household_housing_summary(household),
            "may_edit": request.user.has_perm("households.change_household"),
        },
    )


def household_housing_summary(household: Household) -> list[tuple[str, str]]:
    """(label, value) pairs describing the home and assets, for the detail page."""
    rows = []
    for name in ("floor_material", "wall_material", "roof_material", "tenure", "water_source",
                 "lighting", "cooking_fuel", "toilet"):  # fmt: skip
        field = Household._meta.get_field(name)
        rows.append((field.verbose_name, getattr(household, f"get_{name}_display")() or ""))
    area = household.floor_area
    shown = formats.localize(area.normalize()) if area else ""  # 21,5: a decimal comma
    rows.append((Household._meta.get_field("floor_area").verbose_name, shown))
    income = household.monthly_income
    rows.append(
        (
            Household._meta.get_field("monthly_income").verbose_name,
            f"Rp {income:,}".replace(",", ".") if income is not None else "",
        )
    )
    owned = [str(label) for key, label in ASSETS.items() if getattr(household, f"owns_{key}")]
    rows.append((_("Assets"), ", ".join(owned) or _("none recorded")))
    return rows


@shows_whole_identifiers
@role_required(*EDITOR_ROLES)
def household_register(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("households.add_household"):
        return redirect("households:search")
    if request.method == "POST":
        return _save_household(request, instance=None)
    query = request.GET.get("q", "").strip()
    head = {"relationship": Relationship.HEAD}
    if SIXTEEN_DIGITS.fullmatch(query):
        head["nik"] = query
    elif query:
        head["name"] = query
    return _render_household_form(
        request,
        HouseholdForm(user=request.user),
        MemberFormSet(initial=[head], prefix=MEMBERS_PREFIX),
        instance=None,
    )


@shows_whole_identifiers
@role_required(*EDITOR_ROLES)
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get_for(request.user, pk)
    if request.method == "POST":
        return _save_household(request, instance=household)
    members = [
        {"id": person.pk, **{f: getattr(person, f) for f in services.PERSON_FIELDS}}
        for person in household.members.all()
    ]
    services.household_identifiers_seen(actor=request.user, household=household, path=request.path)
    return _render_household_form(
        request,
        HouseholdForm(instance=household, user=request.user),
        MemberFormSet(initial=members, prefix=MEMBERS_PREFIX),
        instance=household,
    )


def _save_household(request: HttpRequest, instance: Household | None) -> HttpResponse:
    form = HouseholdForm(request.POST, instance=instance, user=request.user)
    formset = MemberFormSet(request.POST, prefix=MEMBERS_PREFIX)
    if "add_member" in request.POST:
        # Another empty member row; nothing is validated or saved yet.
        return _render_household_form(
            request,
            _unbound_copy(form, user=request.user, instance=instance),
            MemberFormSet(
                initial=[*(_bound_values(f) for f in formset.forms), {}], prefix=MEMBERS_PREFIX
            ),
            instance=instance,
        )
    # The forms check shapes; the service, every rule across fields and members. It judges
    # what the forms could read even when they refused something, so that one submission
    # shows every error at once; it saves only when nothing was refused.
    forms_valid = all([form.is_valid(), formset.is_valid()])
    members = [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE" and (k != "id" or v)}
        for f in formset_rows(formset)
    ]
    try:
        if not forms_valid:
            services.validate_household_input(
                actor=request.user, household=form.cleaned_data, members=members,
                instance=instance,
            )  # fmt: skip
        elif instance is None:
            household = services.household_register(
                actor=request.user, household=form.cleaned_data, members=members
            )
        else:
            household = services.household_update(
                actor=request.user, instance=instance, household=form.cleaned_data,
                members=members,
            )  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error, formsets={"members": formset})
    else:
        if forms_valid:
            messages.success(request, _("The household is saved."))
            return redirect("households:detail", pk=household.pk)
    messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return _render_household_form(request, form, formset, instance=instance)


def _bound_values(form) -> dict:
    return {name: form[name].value() for name in form.fields if name != "DELETE"}


def _unbound_copy(form: HouseholdForm, *, user, instance: Household | None) -> HouseholdForm:
    return HouseholdForm(initial=_bound_values(form), instance=instance, user=user)


def _render_household_form(
    request: HttpRequest,
    form: HouseholdForm,
    formset,
    *,
    instance: Household | None,
) -> HttpResponse:
    status = (
        400 if request.method == "POST" and (form.errors or formset.total_error_count()) else 200
    )
    return render(
        request,
        "households/household_form.html",
        {
            "form": form,
            "formset": formset,
            "household": instance,
        },
        status=status,
    )


@role_required(*REGISTRY_ROLES)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Possible duplicates in the user's area, for a person to review."""
    pairs = possible_duplicates(request.user)
    personal_list_shown(
        actor=request.user,
        what=_("Possible duplicates"),
        rows=len(pairs),
        path=request.path,
        purpose=AccessLog.Purpose.DUPLICATE_REVIEW,
    )
    return render(request, "households/duplicate_list.html", {"pairs": pairs})


@shows_whole_identifiers
@role_required(*REGISTRY_ROLES)
def duplicate_review(request: HttpRequest, first_id: int, second_id: int) -> HttpResponse:
    """Two records side by side; editors decide whether they are one person."""
    first, second = duplicate_pair_for(request.user, first_id, second_id)
    may_decide = request.user.has_perm("households.change_person")
    form = DuplicateDecisionForm(request.POST or None)
    if request.method == "POST" and may_decide and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == DuplicateDecisionForm.NOT_DUPLICATE:
                services.duplicate_dismiss(
                    actor=request.user, first=first, second=second, note=note
                )
                messages.success(request, _("Marked as two different people."))
            else:
                keep, remove = (
                    (first, second)
                    if decision == DuplicateDecisionForm.KEEP_FIRST
                    else (second, first)
                )
                services.duplicate_keep(actor=request.user, keep=keep, remove=remove, note=note)
                messages.success(
                    request,
                    _("%(name)s now appears only in the household of %(head)s.")
                    % {"name": keep.name, "head": keep.household.head or keep.household},
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("households:duplicates")
    pair = [
        household_get_for(request.user, first.household_id),
        household_get_for(request.user, second.household_id),
    ]
    for household in pair:
        services.household_identifiers_seen(
            actor=request.user,
            household=household,
            path=request.path,
            purpose=AccessLog.Purpose.DUPLICATE_REVIEW,
        )
    return render(
        request,
        "households/duplicate_review.html",
        {
            "pair": pair,
            "people": [first, second],
            "form": form,
            "may_decide": may_decide,
        },
        status=400 if form.errors else 200,
    )


@csrf_exempt  # a request refused by its length has no form read; csrf_protect checks the rest
@role_required(*SUPERVISING_ROLES)
def registry_import_list(request: HttpRequest) -> HttpResponse:
    """Upload a registry extract to import into the user's area; see the recent imports.
    An upload past the limit is not stored (`slrt.uploads`): the field says so."""
    if request.method == "POST" and _upload_too_large(request):
        return _registry_import_page(request, RegistryImportForm({}, {}, too_large=True))
    return _registry_import_upload(request)


def _upload_too_large(request: HttpRequest) -> bool:
    """Whether `slrt.uploads.UploadLimit` refused the upload (the body is parsed here, if no
    middleware did, through that handler)."""
    request.FILES  # noqa: B018
    return getattr(request, "upload_too_large", False)


@csrf_protect
def _registry_import_upload(request: HttpRequest) -> HttpResponse:
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            registry_import = services.registry_import_request(
                actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("households:import_detail", registry_import.pk)
    return _registry_import_page(request, form)


def _registry_import_page(request: HttpRequest, form: RegistryImportForm) -> HttpResponse:
    status = 400 if form.errors else 200
    imports = registry_imports_for(request.user)[:30]
    return render(
        request,
        "households/registry_import_list.html",
        {"form": form, "imports": imports, "max_mb": settings.SLRT_IMPORT_MAX_MB},
        status=status,
    )


@require_GET
@role_required(*SUPERVISING_ROLES)
def registry_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs (htmx polls the status part), then its counts."""
    return job_page(
        request,
        registry_import_get_for(request.user, pk),
        page="households/registry_import_detail.html",
        progress="households/includes/registry_import_status.html",
    )


@require_POST
@role_required(*SUPERVISING_ROLES)
def registry_import_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a failed import's file again."""
    return job_run_again(
        request, registry_import_get_for(request.user, pk), page="households:import_detail"
    )


@shows_whole_identifiers
@require_GET
@role_required(*SUPERVISING_ROLES)
def registry_import_errors(request: HttpRequest, pk: int) -> FileResponse:
    """The rows an import refused: line, column and message."""
    registry_import = registry_import_get_for(request.user, pk)
    if not registry_import.error_report:
        raise Http404(_("This import refused no row."))
    name = f"import-{registry_import.pk}-errors.csv"
    access_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=_("Rows refused by the registry import of %(file)s")
        % {"file": registry_import.file_name},
        purpose=AccessLog.Purpose.SUPERVISION,
        rows=registry_import.rows_refused,
        path=request.path,
    )
    return FileResponse(
        registry_import.error_report.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="text/csv; charset=utf-8",
    )
