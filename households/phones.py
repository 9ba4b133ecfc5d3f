"""A resident's phone number and whether, and how, the office may contact them (UU PDP
27/2022: contact needs the resident's consent). The person's record, the complaint, their
forms and the API apply these rules."""

import contextlib
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A number as people write it: digits (of any script: the library reads ٠١٢ and ０１２), an
# opening plus, spaces and the usual separators. No letter: the library drops a trailing one
# (an O typed for a zero) and reads others as a keypad's digits, giving someone else's number.
AS_TYPED = re.compile(r"[+＋]?[\d\s().\-/]+")
# Numbers are read as written in Indonesia: `0812…` and `812…` are Indonesian numbers.
HOME_REGION = "ID"
PHONE_MAX_LENGTH = 16  # E.164: a plus and at most fifteen digits
PHONE_HELP_TEXT = gettext_lazy("A mobile number such as 0812-3456-7890 or +62 812 3456 7890.")
# What the database says when a channel is set without a phone or a consent (a race, or a
# write around the services); `contact_errors` says it field by field first.
CONTACT_CONSTRAINT_MESSAGE = gettext_lazy(
    "Contact by SMS or WhatsApp needs a phone number and the resident's consent."
)


class ContactChannel(models.TextChoices):
    SMS = "sms", gettext_lazy("SMS")
    WHATSAPP = "whatsapp", gettext_lazy("WhatsApp")
    NONE = "none", gettext_lazy("do not contact")


class Reachable(models.Model):
    """How a resident is reached (a person, and the complainant of a complaint): the phone
    in E.164 (`normalize_phone`), the channel, and the consent with when it was given."""

    phone = models.CharField(
        gettext_lazy("phone number"),
        max_length=PHONE_MAX_LENGTH,
        blank=True,
        help_text=PHONE_HELP_TEXT,
    )
    contact_channel = models.CharField(
        gettext_lazy("contact by"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.NONE,
    )
    contact_consent = models.BooleanField(
        gettext_lazy("consent to be contacted"),
        default=False,
        help_text=gettext_lazy(
            "The resident agrees that the office sends them messages about their case."
        ),
    )
    contact_consent_at = models.DateTimeField(
        gettext_lazy("contact consent recorded at"), null=True, blank=True
    )

    class Meta:
        abstract = True


def contact_constraint(model_name: str) -> models.CheckConstraint:
    """`<model>_contact_with_phone_and_consent`: a channel only with a phone and consent."""
    return models.CheckConstraint(
        condition=models.Q(contact_channel=ContactChannel.NONE)
        | models.Q(phone__gt="", contact_consent=True),
        name=f"{model_name}_contact_with_phone_and_consent",
        violation_error_message=CONTACT_CONSTRAINT_MESSAGE,
    )


def normalize_phone(raw: str | None) -> str:
    """A phone number as typed, in E.164: `0812-3456-7890`, `812 3456 7890`, `62812…` and
    `+62 812 3456 7890` all give `+6281234567890`; empty gives empty. A valid number of
    another country, written with its `+`, is kept in E.164 as well. Anything that is not a
    valid number is refused (`ValidationError`)."""
    text = (raw or "").strip()
    if not text:
        return ""
    number = None
    if AS_TYPED.fullmatch(text):
        with contextlib.suppress(phonenumbers.NumberParseException):
            number = phonenumbers.parse(text, HOME_REGION)
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Not a valid phone number: %(number)s. Write it as 0812-3456-7890.")
            % {"number": text[:40]},
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Numbers that are no one's phone to message: a toll-free line (0800…), a premium-rate or
# shared-cost one, a voicemail, a pager.
SERVICE_NUMBERS = frozenset({
    phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST, phonenumbers.PhoneNumberType.UAN,
    phonenumbers.PhoneNumberType.VOICEMAIL, phonenumbers.PhoneNumberType.PAGER,
})  # fmt: skip


def receives_messages(phone: str) -> bool:
    """Whether a number in E.164 can take an SMS or a WhatsApp message: a mobile number, or
    one whose plan does not tell mobile from landline (as in some countries); an Indonesian
    landline (`+62370…`) cannot, nor a toll-free or other service number."""
    number = phonenumbers.parse(phone, HOME_REGION)
    kind = phonenumbers.number_type(number)
    return kind != phonenumbers.PhoneNumberType.FIXED_LINE and kind not in SERVICE_NUMBERS


def _service_number(phone: str) -> bool:
    return phonenumbers.number_type(phonenumbers.parse(phone, HOME_REGION)) in SERVICE_NUMBERS


def contact_errors(*, phone: str, channel: str, consent: bool) -> dict[str, list[str]]:
    """The errors, by field, of a way to contact a resident: a channel other than `none`
    needs a phone number that takes messages and the resident's consent. The phone (in
    E.164) is judged by itself by `normalize_phone`."""
    errors: dict[str, list[str]] = {}
    if not channel or channel == ContactChannel.NONE:
        return errors
    if not phone:
        errors["phone"] = [_("Write the phone number to contact the resident by SMS or WhatsApp.")]
    elif _service_number(phone):
        errors["phone"] = [
            _("This is a toll-free or service number: SMS and WhatsApp need a mobile number, "
              "or choose “do not contact”.")
        ]  # fmt: skip
    elif not receives_messages(phone):
        errors["phone"] = [
            _("This is a landline: SMS and WhatsApp need a mobile number, or choose “do not "
              "contact”.")
        ]  # fmt: skip
    if not consent:
        errors["contact_consent"] = [
            _("Record the resident's consent to be contacted, or choose “do not contact”.")
        ]
    return errors
