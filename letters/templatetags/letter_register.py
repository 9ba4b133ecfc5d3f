"""The letter register on the pages of the apps below it, which load these tags by name
(they never import `letters`): the referral letter's register number and QR code, the link
that registers it, and a reactivation's recommendation."""

from django import template
from django.template.loader import render_to_string

from accounts.roles import REGISTRY_ROLES, has_role
from letters.models import Letter, LetterKind
from letters.rendering import check_url, qr_svg
from letters.selectors import recommendation_kind_for
from letters.services import recommendation_of

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_letter_mark(context, referral) -> str:
    """On the printed referral letter: its register number and QR code once a letter of the
    referral kind is issued for it (or that it was revoked); otherwise nothing."""
    letter = (
        Letter.objects.filter(
            referral=referral,
            kind__layout=LetterKind.Layout.REFERRAL,
            status__in=[Letter.Status.ISSUED, Letter.Status.REVOKED],
        )
        .order_by("-issued_at")
        .first()
    )
    if letter is None:
        return ""
    return render_to_string(
        "letters/includes/referral_mark.html",
        {
            "letter": letter,
            "qr": qr_svg(check_url(letter.token)),
            "check_url": check_url(letter.token),
        },
    )


@register.simple_tag(takes_context=True)
def referral_letter_link(context, referral) -> str:
    """On a referral's page, for who drafts letters: the registered letter, or a link to
    register it."""
    user = context["request"].user
    if not user.has_perm("letters.add_letter"):
        return ""
    letter = referral.letters.filter(
        kind__layout=LetterKind.Layout.REFERRAL, status__in=Letter.LIVE
    ).first()
    return render_to_string(
        "letters/includes/referral_link.html", {"letter": letter, "referral": referral}
    )


@register.simple_tag(takes_context=True)
def referral_recommendation(context, referral) -> str:
    """In a reactivation's section of its referral: the Dinas Sosial's recommendation written
    for it (its number once issued), or, for who drafts letters, the link that drafts it."""
    letter = recommendation_of(referral)
    user = context["request"].user
    kind = None
    if letter is None and user.has_perm("letters.add_letter"):
        kind = recommendation_kind_for(referral.program)
    return render_to_string(
        "letters/includes/referral_recommendation.html",
        {"letter": letter, "referral": referral, "kind": kind,
         "reads_register": has_role(user, *REGISTRY_ROLES)},
    )  # fmt: skip


@register.simple_tag(takes_context=True)
def household_letter_link(context, household) -> str:
    """On a household's page, for who drafts letters: draft letters to its members."""
    if not context["request"].user.has_perm("letters.add_letter"):
        return ""
    return render_to_string("letters/includes/household_link.html", {"household": household})
