"""The letter number's pattern (`SLRT_LETTER_NUMBER_PATTERN`) is checked when Django starts,
not when the first letter is issued."""

from django.conf import settings
from django.core.checks import Error, register

from slrt.number_patterns import pattern_errors


@register()
def letter_number_pattern(app_configs, **kwargs) -> list[Error]:
    return [
        Error(message, hint="SLRT_LETTER_NUMBER_PATTERN", id="letters.E001")
        for message in pattern_errors(settings.SLRT_LETTER_NUMBER_PATTERN)
    ]
