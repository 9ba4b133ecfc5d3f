"""The letter register's pages: the list (filter by status and kind; the head of office
ticks drafts to issue as a batch), drafting, a letter's page with its moves, its print view
(the page kept when it was issued, as it was) and a batch's progress and print view."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.roles import REGISTRY_ROLES
from accounts.services import personal_list_shown
from households.selectors import persons_in_scope
from households.services import household_identifiers_seen
from letters import services
from letters.forms import LetterDraftForm, LetterFilterForm, LetterRevokeForm, ids_in
from letters.models import Letter
from letters.rendering import letter_content, letter_page
from letters.selectors import letter_batch_get_for, letter_get_for, letters_for
from referrals.selectors import referrals_for
from slrt.field_errors import add_service_errors
from slrt.ids import id_from
from slrt.pagination import EstimatedCountPaginator
from slrt.views import job_page, job_run_again


@require_GET
@role_required(*REGISTRY_ROLES)
def letter_list(request: HttpRequest) -> HttpResponse:
    letters = letters_for(request.user).order_by("-drafted_at", "-pk")
    filters = LetterFilterForm(request.GET or None)
    if filters.is_valid():
        if status := filters.cleaned_data["status"]:
            letters = letters.filter(status=status)
        if kind := filters.cleaned_data["kind"]:
            letters = letters.filter(kind=kind)
    elif filters.is_bound:
        letters = letters.none()
    page = EstimatedCountPaginator(letters, 25).get_page(request.GET.get("page"))
    personal_list_shown(
        actor=request.user, what=_("Letters"), rows=len(page.object_list),
        filters=request.GET.urlencode(), path=request.path,
    )  # fmt: skip
    return render(
        request,
        "letters/letter_list.html",
        {
            "page": page,
            "filters": filters,
            "may_issue": request.user.has_perm(services.ISSUE),
            "may_draft": request.user.has_perm(services.DRAFT),
        },
        status=400 if filters.is_bound and not filters.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*REGISTRY_ROLES)
def letter_create(request: HttpRequest) -> HttpResponse:
    """Draft letters: of one kind for the people ticked or whose NIKs are pasted; for the
    referral named (`?referral=`), its referral letter or (`&kind=`) the recommendation of its
    reactivation."""
    if not request.user.has_perm(services.DRAFT):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    scope = persons_in_scope(request.user).select_related("household")
    shown = list(scope.filter(pk__in=ids_in(source.getlist("person"))))
    if household := id_from(source.get("household")):
        shown += list(scope.filter(household_id=household, status="active"))
    referral = None
    if referral_id := id_from(source.get("referral")):
        referral = get_object_or_404(referrals_for(request.user), pk=referral_id)
    initial = {
        "persons": [person.pk for person in shown],
        "kind": source.get("kind") or ("surat_rujukan" if referral else None),
        "referral": referral.pk if referral else None,
    }
    if request.method == "GET":
        form = LetterDraftForm(
            user=request.user, shown_persons=shown, initial=initial, for_referral=bool(referral)
        )
        return _draft_page(request, form, referral)
    form = LetterDraftForm(request.POST, user=request.user, for_referral=bool(referral))
    if not form.is_valid():
        return _draft_page(request, form, referral, status=400)
    data = form.cleaned_data
    try:
        if referral is not None:
            holder = referral.complaint.complainant or referral.household.head
            if holder is None:
                raise ValidationError({"referral": _("The referral's household has no head.")})
            letters = [
                services.letter_draft(
                    actor=request.user,
                    kind=data["kind"],
                    person=holder,
                    referral=referral,
                    program=data["program"],
                )
            ]
        else:
            persons = list(data["persons"])
            if data["niks"].strip():
                persons += services.persons_from_niks(request.user, data["niks"])
            letters = services.letters_draft_many(
                actor=request.user, kind=data["kind"], persons=list(dict.fromkeys(persons)),
                program=data["program"],
            )  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error)
        return _draft_page(request, form, referral, status=400)
    if len(letters) == 1:
        messages.success(request, _("The letter is drafted. The head of office issues it."))
        return redirect("letters:detail", letters[0].pk)
    messages.success(
        request,
        _("%(count)s letters are drafted. The head of office issues them.")
        % {"count": len(letters)},
    )
    return redirect(f"{reverse('letters:list')}?status=draft")


def _draft_page(request, form, referral, status=200) -> HttpResponse:
    return render(
        request, "letters/letter_form.html", {"form": form, "referral": referral}, status=status
    )


@require_GET
@role_required(*REGISTRY_ROLES)
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, letter_get_for(request.user, pk))


def _detail(request, letter: Letter, *, revoke_form=None, status=200) -> HttpResponse:
    user = request.user
    may_issue = user.has_perm(services.ISSUE)
    return render(
        request,
        "letters/letter_detail.html",
        {
            "letter": letter,
            "events": letter.events.select_related("actor"),
            "may_issue": may_issue and letter.status == Letter.Status.DRAFT
            and letter.drafted_by_id != user.pk,
            "own_draft": letter.status == Letter.Status.DRAFT and letter.drafted_by_id == user.pk,
            "may_revoke": may_issue and letter.status == Letter.Status.ISSUED,
            "may_discard": user.has_perm(services.DRAFT) and letter.status == Letter.Status.DRAFT,
            "revoke_form": revoke_form or LetterRevokeForm(),
        },
        status=status,
    )  # fmt: skip


def _move(request: HttpRequest, pk: int, move, success: str) -> HttpResponse:
    letter = letter_get_for(request.user, pk)
    try:
        move(letter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("letters:detail", letter.pk)


@require_POST
@role_required(*REGISTRY_ROLES)
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(services.ISSUE):
        raise PermissionDenied
    return _move(
        request, pk, lambda letter: services.letter_issue(actor=request.user, letter=letter),
        _("The letter is issued."),
    )  # fmt: skip


@require_POST
@role_required(*REGISTRY_ROLES)
def letter_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(services.ISSUE):
        raise PermissionDenied
    letter = letter_get_for(request.user, pk)
    form = LetterRevokeForm(request.POST)
    if form.is_valid():
        try:
            services.letter_revoke(
                actor=request.user, letter=letter, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The letter is revoked. Its check now says so."))
            return redirect("letters:detail", letter.pk)
    return _detail(request, letter, revoke_form=form, status=400)


@require_POST
@role_required(*REGISTRY_ROLES)
def letter_discard(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(services.DRAFT):
        raise PermissionDenied
    return _move(
        request, pk, lambda letter: services.letter_discard(actor=request.user, letter=letter),
        _("The draft is discarded."),
    )  # fmt: skip


def _sheet(letter: Letter) -> str:
    """The letter's page: as kept when issued (byte for byte), or a draft's preview."""
    if letter.page:
        return mark_safe(letter.page)  # noqa: S308  (our own template rendered it, escaping)
    return mark_safe(letter_page(letter_content(letter), draft=True))  # noqa: S308


@require_GET
@role_required(*REGISTRY_ROLES)
def letter_print(request: HttpRequest, pk: int) -> HttpResponse:
    letter = letter_get_for(request.user, pk)
    household_identifiers_seen(actor=request.user, household=letter.household, path=request.path)
    return render(
        request,
        "letters/letter_print.html",
        {
            "title": str(letter),
            "pages": [_sheet(letter)],
            "back_url": reverse("letters:detail", args=[letter.pk]),
        },
    )


@require_POST
@role_required(*REGISTRY_ROLES)
def letter_batch_create(request: HttpRequest) -> HttpResponse:
    """Issue the drafts ticked on the list, as one batch (a background job)."""
    if not request.user.has_perm(services.ISSUE):
        raise PermissionDenied
    chosen = letters_for(request.user).filter(pk__in=ids_in(request.POST.getlist("letters")))
    try:
        batch = services.letter_batch_request(actor=request.user, letters=chosen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('letters:list')}?status=draft")
    return redirect("letters:batch_detail", batch.pk)


@require_GET
@role_required(*REGISTRY_ROLES)
def letter_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = letter_batch_get_for(request.user, pk)
    return job_page(
        request, batch, page="letters/batch_detail.html", progress="letters/batch_progress.html",
        letters=letters_for(request.user).filter(batches=batch).order_by("pk"),
    )  # fmt: skip


@require_POST
@role_required(*REGISTRY_ROLES)
def letter_batch_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(services.ISSUE):
        raise PermissionDenied
    return job_run_again(
        request, letter_batch_get_for(request.user, pk), page="letters:batch_detail"
    )


@require_GET
@role_required(*REGISTRY_ROLES)
def letter_batch_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Every letter the batch issued, one a printed page."""
    batch = letter_batch_get_for(request.user, pk)
    letters = list(
        letters_for(request.user).filter(batches=batch).exclude(page="").order_by("serial", "pk")
    )
    for household in {letter.household for letter in letters}:
        household_identifiers_seen(actor=request.user, household=household, path=request.path)
    return render(
        request,
        "letters/letter_print.html",
        {
            "title": _("Letter batch %(id)s") % {"id": batch.pk},
            "pages": [_sheet(letter) for letter in letters],
            "back_url": reverse("letters:batch_detail", args=[batch.pk]),
        },
    )
