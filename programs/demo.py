"""Demo agencies for Kota Bima (`seed_demo`)."""

from programs.models import Agency

DEMO_AGENCIES = [
    # name, level, region served, e-mail
    ("Dinas Sosial Kota Bima", Agency.Level.MUNICIPAL, "52.72", "dinsos@bimakota.example"),
    ("Dinas Kesehatan Kota Bima", Agency.Level.MUNICIPAL, "52.72", "dinkes@bimakota.example"),
    ("BAZNAS Kota Bima", Agency.Level.NON_GOVERNMENT, "52.72", "baznas@bimakota.example"),
]


def seed_agencies() -> dict[str, Agency]:
    """Create or reset the demo agencies; return them by name."""
    return {
        name: Agency.objects.update_or_create(
            name=name, defaults={"level": level, "region_id": region, "email": email}
        )[0]
        for name, level, region, email in DEMO_AGENCIES
    }
