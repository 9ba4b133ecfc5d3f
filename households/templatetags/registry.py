from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from households.masking import mask_identifier, mask_identifiers_in
from households.models import Person

register = template.Library()


@register.filter
def masked(number: str | None) -> str:
    """Show a NIK or KK number masked: `{{ household.kk_number|masked }}`."""
    return mask_identifier(number)


@register.filter
def age(person: Person) -> str:
    """What a list shows instead of the birth date: `{{ person|age }}` → "34 years"."""
    if person.birth_date is None:
        return ""
    years = person.age_on(timezone.localdate())
    return ngettext("%(years)s year", "%(years)s years", years) % {"years": years}


@register.filter
def identifiers_masked(text: str) -> str:
    """A search query as a list shows it, NIK and KK numbers masked:
    `{{ entry.query|identifiers_masked }}`."""
    return mask_identifiers_in(text or "")
