"""What a letter says and how its page is drawn: the content (the data printed, read from
the register when it is issued and frozen then), the page rendered from the kind's layout
(templates/letters/kinds/<layout>.html) and the QR code that leads to its public check."""

import hashlib

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from accounts.selectors import office_for_region
from letters.models import Letter
from letters.texts import body_filled


def check_url(token: str) -> str:
    """The public check's address, which the QR code holds."""
    return settings.SITE_URL + reverse("letter_check", args=[token])


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as inline SVG (no file, no external asset)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, title=url, svgclass="letter-qr")
    return mark_safe(svg)  # noqa: S308  (drawn by segno from our own address)


def _region_names(household) -> dict[str, str]:
    village = household.region
    district = village.parent
    regency = district.parent if district is not None else None
    return {
        "village": village.name,
        "district": district.name if district else "",
        "regency": regency.name if regency else "",
    }


def letter_content(letter: Letter, *, number: str = "", date=None, issued_by=None) -> dict:
    """The data a letter prints, as plain values (JSON), read from the register now."""
    person, household = letter.person, letter.household
    office = office_for_region(household.region_id)
    names = _region_names(household)
    content = {
        "number": number,
        "date": date.isoformat() if date else "",
        "date_text": date_format(date, "j F Y") if date else "",
        "kind": {"code": letter.kind.code, "name": letter.kind.name},
        "layout": letter.kind.layout,
        "holder": {
            "name": person.name,
            "nik": person.nik or "",
            "birth_date": (date_format(person.birth_date, "j F Y") if person.birth_date else ""),
        },
        "household": {
            "kk_number": household.kk_number or "",
            "address": household.address,
            "rt": household.rt or "",
            "rw": household.rw or "",
            **names,
        },
        "office": {
            "name": office.name if office else "",
            "address": office.address if office else "",
            "phone": office.phone if office else "",
            "head_name": office.head_name if office else "",
            "head_position": office.head_position if office else "",
            "head_nip": office.head_nip if office else "",
            "place": (office.signing_place if office else "") or names["regency"],
        },
        "issued_by": (issued_by.get_full_name() or issued_by.username) if issued_by else "",
    }
    if letter.kind.layout == letter.kind.Layout.REGISTRY:
        content["desil"] = {
            "value": household.desil,
            "date": date_format(household.desil_date, "j F Y") if household.desil_date else "",
            "source": household.desil_source,
        }
    if letter.program_id:
        content["program"] = {
            "code": letter.program.code,
            "name": letter.program.name,
            "agency": letter.program.agency.name if letter.program.agency_id else "",
        }
    if letter.referral_id:
        referral = letter.referral
        content["referral"] = {
            "number": referral.number,
            "program": f"{referral.program.code} · {referral.program.name}",
            "agency": referral.agency.name if referral.agency_id else "",
            "ticket": referral.complaint.ticket_number,
        }
    content["body"] = body_filled(
        letter.kind.body,
        {
            "holder_name": person.name,
            "holder_nik": person.nik or "",
            "address": household.address,
            "village": names["village"],
            "district": names["district"],
            "regency": names["regency"],
            "desil": (content.get("desil") or {}).get("value") or "",
            "desil_date": (content.get("desil") or {}).get("date") or "",
            "program": (content.get("program") or {}).get("name", ""),
            "office": content["office"]["name"],
        },
    )
    return content


def letter_page(content: dict, *, token: str = "", draft: bool = False) -> str:
    """The letter's page (the sheet itself, without the print view's frame) drawn from its
    content; with its QR code once it has a token."""
    return render_to_string(
        f"letters/kinds/{content['layout']}.html",
        {
            "content": content,
            "draft": draft,
            "qr": qr_svg(check_url(token)) if token else "",
            "check_url": check_url(token) if token else "",
        },
    )


def page_digest(page: str) -> str:
    return hashlib.sha256(page.encode()).hexdigest()
