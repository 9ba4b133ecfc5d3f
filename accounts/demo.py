"""Demo staff users (`seed_demo`): one per role, all working in Kota Bima (the agency
officer too: an agency officer sees their agency's referrals of their own area only), but the
village operator, who works for one village of it."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import User

from accounts.models import Office
from accounts.roles import Role
from accounts.services import office_upsert, staff_user_upsert
from regions.models import Region

if TYPE_CHECKING:  # the agency an officer answers for; programs builds on accounts
    from programs.models import Agency

DEMO_SCOPE = "52.72"  # Kota Bima, Nusa Tenggara Barat
DEMO_VILLAGE = "52.72.01.1001"  # Kelurahan Paruga, Rasanae Barat: the front office's desk
DEMO_PASSWORD = "slrt-demo-2026"  # noqa: S105 — printed on purpose; seed_demo refuses production

DEMO_USERS = [
    # username, role, first name, last name, service point, working area
    ("fo", Role.FRONT_OFFICE, "Siti", "Aminah", "Puskesos Kelurahan Paruga", DEMO_SCOPE),
    ("bo", Role.BACK_OFFICE, "Ahmad", "Fauzi", "SLRT Kota Bima", DEMO_SCOPE),
    ("supervisor", Role.SUPERVISOR, "Nurul", "Hidayah", "Dinas Sosial Kota Bima", DEMO_SCOPE),
    ("agency", Role.AGENCY_OFFICER, "Rahmat", "Hidayat", "", DEMO_SCOPE),
    ("admin", Role.ADMIN, "Dewi", "Lestari", "Dinas Sosial Kota Bima", DEMO_SCOPE),
    ("fasilitator", Role.FACILITATOR, "Yusuf", "Ramadhan", "Pendamping Kota Bima", DEMO_SCOPE),
    ("koordinator", Role.COORDINATOR, "Hasan", "Basri", "Dinas Sosial Kota Bima", DEMO_SCOPE),
    ("desa", Role.VILLAGE_OPERATOR, "Fitri", "Handayani", "Kantor Kelurahan Paruga", DEMO_VILLAGE),
]


def seed_users(*, password: str, agency: "Agency") -> dict[str, User]:
    """Create or reset the demo users; the agency officer works for `agency` in Kota Bima."""
    areas = Region.objects.in_bulk({row[-1] for row in DEMO_USERS})
    return {
        username: staff_user_upsert(
            username=username,
            password=password,
            role=role,
            scope=areas[area],
            agency=agency if role == Role.AGENCY_OFFICER else None,
            first_name=first_name,
            last_name=last_name,
            service_point=service_point,
            # Escalations and reminders are e-mailed; the demo prints them on the console.
            email=f"{username}@slrt-demo.example",
        )
        for username, role, first_name, last_name, service_point, area in DEMO_USERS
    }


# The office whose letterhead the demo's printouts carry (plausible, not real, details).
DEMO_OFFICE = {
    "name": "Dinas Sosial Kota Bima",
    "address": "Jalan Soekarno-Hatta No. 12, Kelurahan Penatoi, Kecamatan Mpunda, Kota Bima 84111",
    "phone": "(0374) 43210",
    "email": "dinsos@slrt-demo.example",
    "head_name": "Drs. H. Muhammad Saleh, M.Si.",
    "head_position": "Kepala Dinas Sosial Kota Bima",
    "head_nip": "197005121995031004",
    "signing_place": "Bima",
}


def seed_office() -> Office:
    """Create or reset the Dinas Sosial Kota Bima office, serving the whole city."""
    return office_upsert(region=Region.objects.get(code=DEMO_SCOPE), **DEMO_OFFICE)
