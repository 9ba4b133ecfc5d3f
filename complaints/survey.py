"""The satisfaction survey (SKM, *Survei Kepuasan Masyarakat*) of PermenPANRB 14/2017:
after a complaint is closed the resident scores the nine elements of the service 1–4, by
the link the closing message carries (`survey_url`) or at the desk; the monthly report
turns the answers into the service satisfaction index (IKM) as the regulation computes it
(`satisfaction_index`).

The public survey page shows nothing of the complaint but the office's name. An unknown,
malformed or already used link answers as one (no oracle), and the page is rate-limited per
address by the status check's limiter (`complaints.public_status`)."""

import re
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from complaints.models import Complaint, PublicPage, SatisfactionSurvey
from complaints.public_status import Limited, lookup_limited, lookup_recorded

Via = SatisfactionSurvey.Via

# A link's token as `survey_for` makes it (22 letters of the URL-safe alphabet), with room:
# anything else is looked up as no token (a NUL in the address would reach the query).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}\Z")


@dataclass(frozen=True)
class Element:
    """One element of the survey: its field, its code (U1…U9), its name, the question the
    resident reads and the four answers, from 1 (worst) to 4 (best)."""

    field: str
    code: str
    name: Promise
    question: Promise
    answers: tuple[Promise, Promise, Promise, Promise]


# The elements as the regulation names them (Lampiran, unsur survei), with its questionnaire's
# wording for each; the Indonesian catalogue holds the regulation's own words.
ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        "U1",
        gettext_lazy("Requirements"),
        gettext_lazy(
            "How do you find the fit between the service's requirements and the kind of service?"
        ),
        (
            gettext_lazy("Not fitting"),
            gettext_lazy("Hardly fitting"),
            gettext_lazy("Fitting"),
            gettext_lazy("Very fitting"),
        ),
    ),
    Element(
        "u2",
        "U2",
        gettext_lazy("Systems, mechanisms and procedures"),
        gettext_lazy("How easy do you find the service's procedure at this office?"),
        (
            gettext_lazy("Not easy"),
            gettext_lazy("Hardly easy"),
            gettext_lazy("Easy"),
            gettext_lazy("Very easy"),
        ),
    ),
    Element(
        "u3",
        "U3",
        gettext_lazy("Completion time"),
        gettext_lazy("How do you find the speed of the service?"),
        (
            gettext_lazy("Not fast"),
            gettext_lazy("Hardly fast"),
            gettext_lazy("Fast"),
            gettext_lazy("Very fast"),
        ),
    ),
    Element(
        "u4",
        "U4",
        gettext_lazy("Cost/tariff"),
        gettext_lazy("How fair do you find the cost or tariff of the service?"),
        (
            gettext_lazy("Very expensive"),
            gettext_lazy("Fairly expensive"),
            gettext_lazy("Cheap"),
            gettext_lazy("Free of charge"),
        ),
    ),
    Element(
        "u5",
        "U5",
        gettext_lazy("Product specification of the kind of service"),
        gettext_lazy(
            "How do you find the fit between the service promised in the service standard "
            "and what you were given?"
        ),
        (
            gettext_lazy("Not fitting"),
            gettext_lazy("Hardly fitting"),
            gettext_lazy("Fitting"),
            gettext_lazy("Very fitting"),
        ),
    ),
    Element(
        "u6",
        "U6",
        gettext_lazy("Competence of the staff"),
        gettext_lazy("How do you find the competence of the staff who served you?"),
        (
            gettext_lazy("Not competent"),
            gettext_lazy("Hardly competent"),
            gettext_lazy("Competent"),
            gettext_lazy("Very competent"),
        ),
    ),
    Element(
        "u7",
        "U7",
        gettext_lazy("Conduct of the staff"),
        gettext_lazy("How polite and friendly were the staff who served you?"),
        (
            gettext_lazy("Not polite and friendly"),
            gettext_lazy("Hardly polite and friendly"),
            gettext_lazy("Polite and friendly"),
            gettext_lazy("Very polite and friendly"),
        ),
    ),
    Element(
        "u8",
        "U8",
        gettext_lazy("Handling of complaints, suggestions and feedback"),
        gettext_lazy("How do you find the handling of service users' complaints?"),
        (
            gettext_lazy("There is none"),
            gettext_lazy("There is one, but it does not work"),
            gettext_lazy("It works, but not fully"),
            gettext_lazy("It is well managed"),
        ),
    ),
    Element(
        "u9",
        "U9",
        gettext_lazy("Facilities and infrastructure"),
        gettext_lazy("How do you find the quality of the facilities and infrastructure?"),
        (
            gettext_lazy("Poor"),
            gettext_lazy("Adequate"),
            gettext_lazy("Good"),
            gettext_lazy("Very good"),
        ),
    ),
)
SCORES = (1, 2, 3, 4)


# --- the link ----------------------------------------------------------------------------


def survey_for(complaint: Complaint) -> SatisfactionSurvey:
    """The closed complaint's survey, made with its link's token on first asking (the
    closing makes it; a complaint closed before surveys existed gets one when asked).
    Raises ValueError for a complaint not closed: it has no survey yet."""
    if complaint.status != Complaint.Status.CLOSED:
        raise ValueError("only a closed complaint has a satisfaction survey")
    survey, _made = SatisfactionSurvey.objects.get_or_create(
        complaint=complaint, defaults={"token": secrets.token_urlsafe(16)}
    )
    return survey


def survey_url(complaint: Complaint) -> str:
    """The whole address (`SITE_URL`) of the closed complaint's public survey page, for the
    closing message to the resident. Raises ValueError for a complaint not closed."""
    token = survey_for(complaint).token
    return settings.SITE_URL + reverse("survey_public", kwargs={"token": token})


def survey_link_of(complaint: Complaint) -> str | None:
    """The address of the complaint's survey still to answer, or None: none made yet (the
    complaint is not closed) or answered already. Reads, never makes one."""
    token = (
        SatisfactionSurvey.objects.filter(complaint_id=complaint.pk, answered_at=None)
        .values_list("token", flat=True)
        .first()
    )
    if token is None:
        return None
    return settings.SITE_URL + reverse("survey_public", kwargs={"token": token})


def survey_by_token(*, token: str, address: str) -> SatisfactionSurvey | None:
    """The survey still to answer behind a link's token, or None: unknown, malformed,
    already answered or (should one exist) of a complaint not closed, all alike. Raises
    `Limited` past the public pages' rate limit for `address`. Every call is counted (a
    `StatusLookup` row of the survey page, without the token)."""
    now = timezone.now()
    if lookup_limited(page=PublicPage.SURVEY, ticket="", address=address, now=now):
        lookup_recorded(page=PublicPage.SURVEY, address=address, now=now, limited=True)
        raise Limited
    survey = None
    if TOKEN_SHAPE.match(token or ""):
        survey = (
            SatisfactionSurvey.objects.select_related("complaint__household")
            .filter(
                token=token,
                answered_at__isnull=True,
                complaint__status=Complaint.Status.CLOSED,
            )
            .first()
        )
    lookup_recorded(
        page=PublicPage.SURVEY,
        address=address,
        now=now,
        complaint=survey.complaint if survey else None,
    )
    return survey


# --- answering ---------------------------------------------------------------------------


def survey_answer(
    *,
    survey: SatisfactionSurvey,
    scores: dict[str, int],
    suggestion: str = "",
    via: str,
    actor: AbstractBaseUser | None = None,
) -> SatisfactionSurvey:
    """Record the nine answers (`{"u1": 1–4, …}`) and the optional suggestion, once: a
    survey already answered is refused, whoever answered it. At the desk (`via` desk) the
    staff member who recorded it is kept."""
    errors: dict[str, str] = {}
    for element in ELEMENTS:
        score = scores.get(element.field)
        if isinstance(score, bool) or score not in SCORES:
            errors[element.field] = _("Choose one of the four answers.")
    suggestion = (suggestion or "").strip()
    if len(suggestion) > SatisfactionSurvey._meta.get_field("suggestion").max_length:
        errors["suggestion"] = _("Write at most 1000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
        if current.is_answered:
            raise ValidationError(_("This survey has already been answered."))
        for element in ELEMENTS:
            setattr(current, element.field, scores[element.field])
        current.suggestion = suggestion
        current.answered_at = timezone.now()
        current.answered_via = via
        current.recorded_by = actor if via == Via.DESK else None
        current.save()
    return current


def survey_answers(survey: SatisfactionSurvey) -> list[tuple[Element, int, Promise]]:
    """An answered survey's answers: each element, its score and the answer's words."""
    if not survey.is_answered:
        return []
    return [
        (element, score, element.answers[score - 1])
        for element, score in zip(ELEMENTS, survey.scores(), strict=True)
    ]


# --- the index ---------------------------------------------------------------------------

# The regulation's grades by the converted index (IKM × 25), lowest first: the lowest value
# of each grade, its letter and what it means.
GRADES: tuple[tuple[Decimal, str, Promise], ...] = (
    (Decimal("25.00"), "D", pgettext_lazy("satisfaction grade", "Not good")),
    (Decimal("65.00"), "C", pgettext_lazy("satisfaction grade", "Less than good")),
    (Decimal("76.61"), "B", pgettext_lazy("satisfaction grade", "Good")),
    (Decimal("88.31"), "A", pgettext_lazy("satisfaction grade", "Very good")),
)
WEIGHT = Decimal(1) / Decimal(len(ELEMENTS))  # each element weighs the same, 1/9
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class SatisfactionIndex:
    """The index of a set of answered surveys, as PermenPANRB 14/2017 computes it:
    each element's average (NRR, the sum of its answers over the respondents), weighted by
    1/9 and summed (the unit's IKM, 1–4), times 25 (the converted IKM, 25–100), graded A–D.
    No respondents: no index (`respondents` 0, the rest None)."""

    respondents: int
    element_averages: tuple[Decimal, ...] | None  # NRR of U1…U9
    index: Decimal | None  # IKM of the unit, 1–4
    converted: Decimal | None  # IKM × 25, to two decimals: what is graded
    grade: str | None  # A, B, C or D
    grade_meaning: Promise | None

    @property
    def elements(self) -> list[tuple[Element, Decimal]]:
        return list(zip(ELEMENTS, self.element_averages or (), strict=False))


def satisfaction_index(sums: list[int], respondents: int) -> SatisfactionIndex:
    """The index from each element's sum of answers (U1…U9) and the number of
    respondents. Exact decimals throughout; only the converted value is rounded (half up,
    to two decimals, as the grades' bounds are written) before it is graded."""
    if respondents <= 0:
        return SatisfactionIndex(0, None, None, None, None, None)
    if len(sums) != len(ELEMENTS):
        raise ValueError("one sum per element")
    averages = tuple(Decimal(total) / Decimal(respondents) for total in sums)
    index = sum((average * WEIGHT for average in averages), Decimal(0))
    converted = (index * 25).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    grade, meaning = _grade_of(converted)
    return SatisfactionIndex(respondents, averages, index, converted, grade, meaning)


def _grade_of(converted: Decimal) -> tuple[str, Promise]:
    found = GRADES[0]
    for grade in GRADES:
        if converted >= grade[0]:
            found = grade
    return found[1], found[2]
