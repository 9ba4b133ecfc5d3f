from django import template

from households.masking import mask_identifier

register = template.Library()


@register.filter
def masked(number: str | None) -> str:
    """Show a NIK or KK number masked: `{{ household.kk_number|masked }}`."""
    return mask_identifier(number)
