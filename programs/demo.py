"""Demo agencies for Kota Bima (`seed_demo`) beyond those of the programme catalogue."""

from programs.catalogue import AGENCIES
from programs.models import Agency

# The catalogue already has Dinas Sosial and BAZNAS; the demo adds a body with no programme.
DEMO_AGENCIES = [
    # name, level, region served, e-mail
    ("Dinas Kesehatan Kota Bima", Agency.Level.MUNICIPAL, "52.72", "dinkes@bimakota.example"),
]


def seed_agencies() -> dict[str, Agency]:
    """Create or reset the demo agencies; return them by name."""
    return {
        name: Agency.objects.update_or_create(
            name=name, defaults={"level": level, "region_id": region, "email": email}
        )[0]
        for name, level, region, email in DEMO_AGENCIES
    }


def social_affairs_office() -> Agency:
    """The catalogue's Dinas Sosial, which runs JAMKESDA and the registry services: the demo
    agency officer works there."""
    return Agency.objects.get(name=AGENCIES["dinsos"][0])
