"""Demo households of Kota Bima (`seed_demo`), registered through the same service as the
front office uses, so they meet every rule (valid NIKs, one head each)."""

import datetime

from households import registry_codes as codes
from households.models import Household
from households.services import REGISTRY_ONLY_FIELDS, household_register, household_update

DESIL = {"desil_source": "DTSEN", "desil_date": datetime.date(2025, 10, 1)}
R = codes.Relationship
D = datetime.date

DEMO_HOUSEHOLDS = [
    (
        {
            "kk_number": "5272011203150001",
            "region": "52.72.01.1001",
            "rt": "003",
            "rw": "001",
            "address": "Jl. Soekarno-Hatta No. 12",
            "desil": 3,
            **DESIL,
            "floor_material": codes.FloorMaterial.CEMENT,
            "wall_material": codes.WallMaterial.BRICK,
            "roof_material": codes.RoofMaterial.ZINC,
            "floor_area": 36,
            "tenure": codes.Tenure.OWNED,
            "water_source": codes.WaterSource.REFILL,
            "lighting": codes.Lighting.PLN_METERED,
            "cooking_fuel": codes.CookingFuel.LPG_3KG,
            "toilet": codes.Toilet.OWN,
            "monthly_income": 1_800_000,
            "owns_motorcycle": True,
        },
        [
            {
                "name": "Muhammad Yusuf",
                "nik": "5272011205780001",
                "sex": "M",
                "relationship": R.HEAD,
                "birth_date": D(1978, 5, 12),
                "birth_place": "Bima",
                "marital_status": "married",
                "schooling": "junior",
                "school_participation": "finished",
                "occupation": "labourer",
            },
            {
                "name": "Siti Aminah",
                "nik": "5272014308820002",
                "sex": "F",
                "relationship": R.SPOUSE,
                "birth_date": D(1982, 8, 3),
                "birth_place": "Bima",
                "marital_status": "married",
                "schooling": "primary",
                "school_participation": "finished",
                "occupation": "housekeeping",
            },
            {
                "name": "Nurul Aini",
                "nik": "5272016111080003",
                "sex": "F",
                "relationship": R.CHILD,
                "birth_date": D(2008, 11, 21),
                "birth_place": "Bima",
                "marital_status": "single",
                "schooling": "senior",
                "school_participation": "in_school",
                "occupation": "school",
            },
            {
                "name": "Ahmad Fauzan",
                "nik": "5272010902150004",
                "sex": "M",
                "relationship": R.CHILD,
                "birth_date": D(2015, 2, 9),
                "birth_place": "Bima",
                "marital_status": "single",
                "schooling": "primary",
                "school_participation": "in_school",
                "occupation": "school",
            },
        ],
    ),
    (
        {
            "kk_number": "5272010507180002",
            "region": "52.72.01.1003",
            "rt": "002",
            "rw": "004",
            "address": "Jl. Gajah Mada No. 4",
            "desil": 1,
            **DESIL,
            "floor_material": codes.FloorMaterial.EARTH,
            "wall_material": codes.WallMaterial.WOVEN_BAMBOO,
            "roof_material": codes.RoofMaterial.THATCH,
            "floor_area": 18,
            "tenure": codes.Tenure.OWNED,
            "water_source": codes.WaterSource.UNPROTECTED_WELL,
            "lighting": codes.Lighting.PLN_UNMETERED,
            "cooking_fuel": codes.CookingFuel.FIREWOOD,
            "toilet": codes.Toilet.PUBLIC,
            "monthly_income": 400_000,
        },
        [
            {
                "name": "Hj. Fatimah",
                "nik": "5272015701500001",
                "sex": "F",
                "relationship": R.HEAD,
                "birth_date": D(1950, 1, 17),
                "birth_place": "Bima",
                "marital_status": "widowed",
                "schooling": "none",
                "occupation": "none",
                "chronic_illness": codes.ChronicIllness.HYPERTENSION,
            },
            {
                "name": "Rizky Ramadhan",
                "nik": "5272013007120002",
                "sex": "M",
                "relationship": R.GRANDCHILD,
                "birth_date": D(2012, 7, 30),
                "birth_place": "Bima",
                "marital_status": "single",
                "schooling": "junior",
                "school_participation": "dropped_out",
                "occupation": "none",
            },
        ],
    ),
    (
        {
            "kk_number": "5272021910160003",
            "region": "52.72.02.1008",
            "rt": "005",
            "rw": "002",
            "address": "Lingkungan Lampe Timur",
            "desil": 2,
            **DESIL,
            "floor_material": codes.FloorMaterial.POOR_WOOD,
            "wall_material": codes.WallMaterial.WOOD,
            "roof_material": codes.RoofMaterial.ZINC,
            "floor_area": 24,
            "tenure": codes.Tenure.RENT_FREE,
            "water_source": codes.WaterSource.PROTECTED_WELL,
            "lighting": codes.Lighting.PLN_METERED,
            "cooking_fuel": codes.CookingFuel.LPG_3KG,
            "toilet": codes.Toilet.SHARED,
            "monthly_income": 1_200_000,
        },
        [
            {
                "name": "Abdul Haris",
                "nik": "5272022503850001",
                "sex": "M",
                "relationship": R.HEAD,
                "birth_date": D(1985, 3, 25),
                "birth_place": "Bima",
                "marital_status": "married",
                "schooling": "primary",
                "school_participation": "finished",
                "occupation": "fisher",
            },
            {
                "name": "Nur Hasanah",
                "nik": "5272024112900002",
                "sex": "F",
                "relationship": R.SPOUSE,
                "birth_date": D(1990, 12, 1),
                "birth_place": "Dompu",
                "marital_status": "married",
                "schooling": "junior",
                "school_participation": "finished",
                "occupation": "housekeeping",
                "is_pregnant": True,
            },
            {
                "name": "Putri Ayu",
                "nik": "5272025404190003",
                "sex": "F",
                "relationship": R.CHILD,
                "birth_date": D(2019, 4, 14),
                "birth_place": "Bima",
                "marital_status": "single",
                "schooling": "early",
                "school_participation": "in_school",
                "occupation": "none",
            },
        ],
    ),
    (
        {
            "kk_number": "5272030102190004",
            "region": "52.72.03.1001",
            "rt": "001",
            "rw": "003",
            "address": "Jl. Datuk Dibanta No. 21",
            "desil": 4,
            **DESIL,
            "floor_material": codes.FloorMaterial.CERAMIC,
            "wall_material": codes.WallMaterial.BRICK,
            "roof_material": codes.RoofMaterial.CLAY_TILE,
            "floor_area": 45,
            "tenure": codes.Tenure.OWNED,
            "water_source": codes.WaterSource.PIPED_METERED,
            "lighting": codes.Lighting.PLN_METERED,
            "cooking_fuel": codes.CookingFuel.LPG_3KG,
            "toilet": codes.Toilet.OWN,
            "monthly_income": 2_100_000,
            "owns_motorcycle": True,
            "owns_refrigerator": True,
        },
        [
            {
                "name": "Syamsuddin",
                "nik": "5272031010700001",
                "sex": "M",
                "relationship": R.HEAD,
                "birth_date": D(1970, 10, 10),
                "birth_place": "Bima",
                "marital_status": "married",
                "schooling": "senior",
                "school_participation": "finished",
                "occupation": "none",
                "disability": codes.Disability.PHYSICAL,
            },
            {
                "name": "Rahmawati",
                "nik": "5272034606750002",
                "sex": "F",
                "relationship": R.SPOUSE,
                "birth_date": D(1975, 6, 6),
                "birth_place": "Bima",
                "marital_status": "married",
                "schooling": "senior",
                "school_participation": "finished",
                "occupation": "trader",
            },
            {
                "name": "Arif Rahman",
                "nik": "5272031909040003",
                "sex": "M",
                "relationship": R.CHILD,
                "birth_date": D(2004, 9, 19),
                "birth_place": "Bima",
                "marital_status": "single",
                "schooling": "senior",
                "school_participation": "dropped_out",
                "occupation": "informal",
            },
        ],
    ),
    (
        {
            "kk_number": "5272042708170005",
            "region": "52.72.04.1005",
            "rt": "004",
            "rw": "002",
            "address": "Lingkungan Ntobo",
            "desil": 2,
            **DESIL,
            "floor_material": codes.FloorMaterial.CEMENT,
            "wall_material": codes.WallMaterial.PLASTERED_BAMBOO,
            "roof_material": codes.RoofMaterial.ZINC,
            "floor_area": 21,
            "tenure": codes.Tenure.OWNED,
            "water_source": codes.WaterSource.PROTECTED_SPRING,
            "lighting": codes.Lighting.PLN_METERED,
            "cooking_fuel": codes.CookingFuel.FIREWOOD,
            "toilet": codes.Toilet.NONE,
            "monthly_income": 750_000,
            "owns_land": True,
        },
        [
            {
                "name": "Jamilah",
                "nik": "5272046802680001",
                "sex": "F",
                "relationship": R.HEAD,
                "birth_date": D(1968, 2, 28),
                "birth_place": "Bima",
                "marital_status": "divorced",
                "schooling": "primary",
                "school_participation": "finished",
                "occupation": "farmer",
            },
            {
                "name": "Dewi Sartika",
                "nik": "5272044505100002",
                "sex": "F",
                "relationship": R.CHILD,
                "birth_date": D(2010, 5, 5),
                "birth_place": "Bima",
                "marital_status": "single",
                "schooling": "junior",
                "school_participation": "in_school",
                "occupation": "school",
            },
            # The same woman as in the first household, registered again without her NIK:
            # the duplicate review lists the pair.
            {
                "name": "Siti Aminah",
                "nik": "",
                "sex": "F",
                "relationship": R.OTHER,
                "birth_date": D(1982, 8, 3),
                "birth_place": "Bima",
                "marital_status": "married",
            },
        ],
    ),
]


def seed_households(*, actor) -> list[Household]:
    """Register the demo households, or reset them to the demo state if they exist."""
    saved = []
    for household, members in DEMO_HOUSEHOLDS:
        existing = Household.objects.filter(kk_number=household["kk_number"]).first()
        if existing is None:
            saved.append(household_register(actor=actor, household=household, members=members))
        else:
            ids = {(p.nik or "", p.name): p.pk for p in existing.members.all()}
            with_ids = [{**m, "id": ids.get((m["nik"], m["name"]))} for m in members]
            saved.append(
                household_update(
                    actor=actor, instance=existing, household=household, members=with_ids
                )
            )
        # The desil comes from the national registry, as an import would write it.
        registry = {f: household[f] for f in REGISTRY_ONLY_FIELDS if f in household}
        Household.objects.filter(pk=saved[-1].pk).update(**registry)
        for field, value in registry.items():
            setattr(saved[-1], field, value)
    return saved
