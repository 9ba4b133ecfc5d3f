"""The letter register on the pages of the apps below it, which load these tags by name
(they never import `letters`): the referral letter's register number and QR code, and the
link that registers it."""

from django import template
from django.template.loader import render_to_string

from letters.models import Letter, LetterKind
from letters.rendering import check_url, qr_svg

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
    letter = referral.letters.filter(status__in=Letter.LIVE).first()
    return render_to_string(
        "letters/includes/referral_link.html", {"letter": letter, "referral": referral}
    )


@register.simple_tag(takes_context=True)
def household_letter_link(context, household) -> str:
    """On a household's page, for who drafts letters: draft letters to its members."""
    if not context["request"].user.has_perm("letters.add_letter"):
        return ""
    return render_to_string("letters/includes/household_link.html", {"household": household})
