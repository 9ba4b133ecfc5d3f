"""A synthetic registry for benchmarks and load tests: households and members that look like a
regional extract of the national social registry (sizes, ages, schooling by age, the poorer
deciles more often in unfit houses), with NIK and KK numbers that pass validation.

Reproducible: the same seed over the same villages and an empty registry gives the same
households. Rows go in with `bulk_create`, so neither `save()` nor the change history run:
`name_normalized` is set here, and generated rows have no history.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction

from households import registry_codes as codes
from households.models import Household, Person
from households.names import normalize_name
from regions.models import Region

MALE_NAMES = [
    "Muhammad", "Abdul", "Ahmad", "Arifin", "Budi", "Darwis", "Fadli", "Hamzah", "Ilham",
    "Irfan", "Jufri", "Kurniawan", "Mahmud", "Nasrullah", "Rahmat", "Ridwan", "Saiful",
    "Syamsuddin", "Taufik", "Usman", "Wahyu", "Yusuf", "Zainal", "Anwar", "Baharuddin",
]  # fmt: skip
FEMALE_NAMES = [
    "Siti", "Aminah", "Fatimah", "Halimah", "Hasanah", "Indah", "Jumiati", "Kartini",
    "Maryam", "Nurhayati", "Nurjannah", "Rahmawati", "Rosmini", "Salmah", "Sri", "Suryani",
    "Wahyuni", "Yuliana", "Zulaikha", "Ani", "Dewi", "Erna", "Fitri", "Hadijah", "Mulyani",
]  # fmt: skip
SECOND_NAMES = [
    "Abdullah", "Hidayat", "Ismail", "Jamaluddin", "Karim", "Lestari", "Mustafa", "Nur",
    "Putra", "Putri", "Rahman", "Saleh", "Sari", "Syafruddin", "Umar", "Wati", "Yani",
]  # fmt: skip
BIRTH_PLACES = ["Bima", "Bima", "Bima", "Dompu", "Sumbawa", "Mataram"]

SIZE_WEIGHTS = [8, 15, 22, 25, 15, 8, 4, 3]  # households of 1 … 8 members
DESIL_WEIGHTS = [14, 14, 13, 12, 11, 9, 7, 6, 4, 3]  # a registry of the poorer half, mostly
NO_DESIL = 0.1  # households not (yet) ranked in the national registry


@dataclass
class GenerationResult:
    households: int = 0
    persons: int = 0
    first_pk: int | None = None
    last_pk: int | None = None


class _Identifiers:
    """NIK and KK numbers that pass `households.identity`, none already in the registry."""

    def __init__(self, districts: list[str]):
        prefixes = [district.replace(".", "") for district in districts]
        self.taken: set[str] = set()
        for prefix in prefixes:
            self.taken.update(
                Person.objects.filter(nik__startswith=prefix).values_list("nik", flat=True)
            )
            self.taken.update(
                Household.objects.filter(kk_number__startswith=prefix).values_list(
                    "kk_number", flat=True
                )
            )
        self.next_serial: dict[str, int] = defaultdict(lambda: 1)

    def _number(self, prefix12: str) -> str | None:
        serial = self.next_serial[prefix12]
        while serial <= 9999:
            number = f"{prefix12}{serial:04d}"
            serial += 1
            if number not in self.taken:
                self.next_serial[prefix12] = serial
                self.taken.add(number)
                return number
        self.next_serial[prefix12] = serial
        return None  # ten thousand on one day in one district: leave this one without

    def nik(self, district: str, birth_date: datetime.date, sex: str) -> str | None:
        day = birth_date.day + (40 if sex == codes.Sex.FEMALE else 0)
        return self._number(f"{district}{day:02d}{birth_date:%m%y}")

    def kk(self, district: str, issued: datetime.date) -> str | None:
        return self._number(f"{district}{issued:%d%m%y}")


def _birth_date(rng: random.Random, today: datetime.date, age: int) -> datetime.date:
    return today - datetime.timedelta(days=age * 365 + rng.randrange(365))


def _schooling(rng: random.Random, age: int) -> tuple[str, str]:
    """(schooling, participation) typical of the age."""
    S, P = codes.Schooling, codes.SchoolParticipation
    if age < 5:
        return "", P.NOT_YET
    if age < 7:
        return S.EARLY, P.IN_SCHOOL
    if age <= 18:
        level = S.PRIMARY if age <= 12 else S.JUNIOR if age <= 15 else S.SENIOR
        return level, (P.IN_SCHOOL if rng.random() < 0.9 else P.DROPPED_OUT)
    if age <= 22 and rng.random() < 0.25:
        return S.HIGHER, P.IN_SCHOOL
    level = rng.choices([S.NONE, S.PRIMARY, S.JUNIOR, S.SENIOR, S.HIGHER], [8, 35, 25, 27, 5])[0]
    return level, P.FINISHED if level != S.NONE else P.NOT_YET


def _occupation(rng: random.Random, age: int, sex: str, participation: str) -> str:
    O = codes.Occupation  # noqa: E741 - a short alias keeps the table readable
    if participation == codes.SchoolParticipation.IN_SCHOOL:
        return O.SCHOOL
    if age < 15 or age >= 70:
        return O.NONE
    choices = [O.FARMER, O.FISHER, O.LABOURER, O.TRADER, O.SELF_EMPLOYED, O.INFORMAL,
               O.PRIVATE_EMPLOYEE, O.CIVIL_SERVANT, O.NONE, O.HOUSEKEEPING]  # fmt: skip
    weights = [20, 6, 18, 10, 8, 14, 6, 3, 8, 20 if sex == codes.Sex.FEMALE else 1]
    return rng.choices(choices, weights)[0]


def _person(rng, today, *, relationship, sex, age) -> dict:
    birth_date = _birth_date(rng, today, age)
    schooling, participation = _schooling(rng, age)
    pool = MALE_NAMES if sex == codes.Sex.MALE else FEMALE_NAMES
    name = f"{rng.choice(pool)} {rng.choice(SECOND_NAMES)}"
    older = age >= 50
    return {
        "name": name,
        "name_normalized": normalize_name(name),
        "sex": sex,
        "birth_date": birth_date,
        "birth_place": rng.choice(BIRTH_PLACES),
        "relationship": relationship,
        "marital_status": (
            codes.MaritalStatus.MARRIED
            if relationship in (codes.Relationship.HEAD, codes.Relationship.SPOUSE) and age >= 20
            else codes.MaritalStatus.WIDOWED
            if relationship == codes.Relationship.PARENT
            else codes.MaritalStatus.SINGLE
        ),
        "schooling": schooling,
        "school_participation": participation,
        "occupation": _occupation(rng, age, sex, participation),
        "disability": rng.choice(codes.Disability.values[1:]) if rng.random() < 0.03 else 0,
        "chronic_illness": (
            rng.choice(codes.ChronicIllness.values[1:])
            if rng.random() < (0.2 if older else 0.04)
            else 0
        ),
        "is_pregnant": False,
    }


def _members(rng: random.Random, today: datetime.date, size: int) -> list[dict]:
    R, Sx = codes.Relationship, codes.Sex
    head_sex = Sx.MALE if rng.random() < 0.85 else Sx.FEMALE
    head_age = rng.randint(22, 78)
    members = [_person(rng, today, relationship=R.HEAD, sex=head_sex, age=head_age)]
    if size >= 2 and head_sex == Sx.MALE and rng.random() < 0.85:
        spouse_age = max(18, min(85, head_age + rng.randint(-8, 3)))
        spouse = _person(rng, today, relationship=R.SPOUSE, sex=Sx.FEMALE, age=spouse_age)
        if spouse_age <= 42 and rng.random() < 0.06:
            spouse["is_pregnant"] = True
        members.append(spouse)
    if size >= 5 and head_age < 55 and rng.random() < 0.3:
        members.append(
            _person(
                rng,
                today,
                relationship=R.PARENT,
                sex=rng.choice(Sx.values),
                age=min(95, head_age + rng.randint(22, 32)),
            )
        )
    while len(members) < size:
        oldest_child = max(0, head_age - 19)
        age = rng.randint(0, max(0, min(oldest_child, 30)))
        relationship = R.CHILD if head_age < 60 or rng.random() < 0.6 else R.GRANDCHILD
        members.append(
            _person(rng, today, relationship=relationship, sex=rng.choice(Sx.values), age=age)
        )
    return members


def _home(rng: random.Random, desil: int | None) -> dict:
    """Housing and assets; the poorer the decile, the likelier an unfit house."""
    poorness = (11 - (desil or 6)) / 10  # 1.0 for desil 1, 0.1 for desil 10
    unfit = rng.random() < 0.45 * poorness

    def pick(good, poor):
        return rng.choice(poor if unfit and rng.random() < 0.6 else good)

    C = codes
    income = int(rng.lognormvariate(14.3 - poorness, 0.5)) // 1000 * 1000
    return {
        "floor_material": pick(
            [C.FloorMaterial.CEMENT, C.FloorMaterial.CERAMIC, C.FloorMaterial.TILE], [7, 8, 9]
        ),
        "wall_material": pick(
            [C.WallMaterial.BRICK, C.WallMaterial.PLASTERED_BAMBOO, C.WallMaterial.WOOD], [4, 5, 6]
        ),
        "roof_material": pick(
            [C.RoofMaterial.ZINC, C.RoofMaterial.CLAY_TILE, C.RoofMaterial.ASBESTOS], [8, 9]
        ),
        "toilet": pick([C.Toilet.OWN, C.Toilet.OWN, C.Toilet.SHARED], [C.Toilet.NONE]),
        "water_source": rng.choice(C.WaterSource.values),
        "lighting": rng.choices(C.Lighting.values, [70, 20, 6, 4])[0],
        "cooking_fuel": rng.choices(C.CookingFuel.values, [2, 3, 60, 1, 5, 1, 3, 23, 2])[0],
        "tenure": rng.choices(C.Tenure.values, [75, 12, 9, 1, 3])[0],
        "floor_area": rng.randint(18, 120),
        "monthly_income": income,
        "owns_motorcycle": rng.random() < 0.9 - 0.5 * poorness,
        "owns_refrigerator": rng.random() < 0.8 - 0.6 * poorness,
        "owns_land": rng.random() < 0.3,
        "owns_gold": rng.random() < 0.25 - 0.2 * poorness,
        "owns_car": rng.random() < 0.1 - 0.09 * poorness,
    }


def households_generate(
    *,
    count: int,
    region: Region,
    seed: int,
    today: datetime.date,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationResult:
    """Insert `count` synthetic households (with members) in the villages of `region`, one
    transaction per batch; `progress(done, count)` after each."""
    villages = list(
        Region.objects.within(region.code)
        .filter(level=Region.Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not villages:
        raise ValueError(f"{region.code} has no villages loaded.")
    districts = sorted({Region.code_at(code, Region.Level.DISTRICT) for code in villages})
    identifiers = _Identifiers(districts)
    rng = random.Random(seed)  # noqa: S311 - made-up people, not secrets
    dtks_prefix = f"SYN{seed}-"
    last = (
        Household.objects.filter(dtks_id__startswith=dtks_prefix)
        .order_by("-dtks_id")  # zero-padded: the text order is the number order
        .values_list("dtks_id", flat=True)
        .first()
    )
    numbered = int(last.removeprefix(dtks_prefix)) if last else 0
    result = GenerationResult()
    for size in _batches(count, batch_size):
        homes, members_of = [], []
        for _index in range(size):
            village = rng.choice(villages)
            district = Region.code_at(village, Region.Level.DISTRICT).replace(".", "")
            desil = None if rng.random() < NO_DESIL else rng.choices(range(1, 11), DESIL_WEIGHTS)[0]
            issued = today - datetime.timedelta(days=rng.randrange(20 * 365))
            homes.append(
                Household(
                    kk_number=identifiers.kk(district, issued),
                    region_id=village,
                    address=f"Jl. {rng.choice(SECOND_NAMES)} No. {rng.randint(1, 150)}",
                    rt=f"{rng.randint(1, 15):03d}",
                    rw=f"{rng.randint(1, 6):03d}",
                    dtks_id=f"{dtks_prefix}{numbered + result.households + len(homes) + 1:08d}",
                    desil=desil,
                    desil_source="DTSEN" if desil else "",
                    desil_date=datetime.date(today.year, 1, 1) if desil else None,
                    **_home(rng, desil),
                )
            )
            members = _members(rng, today, rng.choices(range(1, 9), SIZE_WEIGHTS)[0])
            for member in members:
                if rng.random() < 0.95:  # a few have no NIK yet, as in the registry
                    member["nik"] = identifiers.nik(district, member["birth_date"], member["sex"])
            members_of.append(members)
        with transaction.atomic():
            Household.objects.bulk_create(homes)
            Person.objects.bulk_create(
                [
                    Person(household=home, **member)
                    for home, members in zip(homes, members_of, strict=True)
                    for member in members
                ],
                batch_size=batch_size,
            )
        result.households += len(homes)
        result.persons += sum(map(len, members_of))
        result.first_pk = result.first_pk or homes[0].pk
        result.last_pk = homes[-1].pk
        if progress is not None:
            progress(result.households, count)
    return result


def _batches(count: int, size: int) -> Iterator[int]:
    while count > 0:
        yield min(size, count)
        count -= size
