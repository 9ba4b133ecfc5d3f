"""The national social registry's (DTKS/DTSEN) coded variables, with the registry's own codes.

Codes follow the registry's household and individual questionnaires, so that an extract
imports without translation tables. Labels are Indonesian-first through gettext.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FloorMaterial(models.IntegerChoices):
    MARBLE = 1, _("marble/granite")
    CERAMIC = 2, _("ceramic")
    PARQUET = 3, _("parquet/vinyl/carpet")
    TILE = 4, _("tile/terrazzo")
    GOOD_WOOD = 5, _("high-quality wood/board")
    CEMENT = 6, _("cement/red brick")
    BAMBOO = 7, _("bamboo")
    POOR_WOOD = 8, _("low-quality wood/board")
    EARTH = 9, _("earth")
    OTHER = 10, _("other")


class WallMaterial(models.IntegerChoices):
    BRICK = 1, _("brick wall")
    PLASTERED_BAMBOO = 2, _("plastered woven bamboo/wire")
    WOOD = 3, _("wood")
    WOVEN_BAMBOO = 4, _("woven bamboo")
    LOG = 5, _("wooden logs")
    BAMBOO = 6, _("bamboo")
    OTHER = 7, _("other")


class RoofMaterial(models.IntegerChoices):
    CONCRETE = 1, _("concrete")
    CERAMIC_TILE = 2, _("ceramic tile")
    METAL_TILE = 3, _("metal tile")
    CLAY_TILE = 4, _("clay tile")
    ASBESTOS = 5, _("asbestos")
    ZINC = 6, _("zinc")
    SHINGLE = 7, _("wooden shingle")
    BAMBOO = 8, _("bamboo")
    THATCH = 9, _("straw/palm fibre/leaves")
    OTHER = 10, _("other")


class WaterSource(models.IntegerChoices):
    BOTTLED = 1, _("bottled water")
    REFILL = 2, _("refilled water")
    PIPED_METERED = 3, _("piped, metered")
    PIPED_UNMETERED = 4, _("piped, not metered")
    PUMPED_WELL = 5, _("drilled well/pump")
    PROTECTED_WELL = 6, _("protected well")
    UNPROTECTED_WELL = 7, _("unprotected well")
    PROTECTED_SPRING = 8, _("protected spring")
    UNPROTECTED_SPRING = 9, _("unprotected spring")
    SURFACE = 10, _("river/lake/dam")
    RAIN = 11, _("rain water")
    OTHER = 12, _("other")


class Lighting(models.IntegerChoices):
    PLN_METERED = 1, _("PLN electricity, metered")
    PLN_UNMETERED = 2, _("PLN electricity, not metered")
    NON_PLN = 3, _("non-PLN electricity")
    NONE = 4, _("no electricity")


class CookingFuel(models.IntegerChoices):
    ELECTRICITY = 1, _("electricity")
    LPG_LARGE = 2, _("gas over 3 kg")
    LPG_3KG = 3, _("gas 3 kg")
    BIOGAS = 4, _("town gas/biogas")
    KEROSENE = 5, _("kerosene")
    BRIQUETTE = 6, _("briquettes")
    CHARCOAL = 7, _("charcoal")
    FIREWOOD = 8, _("firewood")
    NO_COOKING = 9, _("does not cook at home")


class Toilet(models.IntegerChoices):
    OWN = 1, _("own")
    SHARED = 2, _("shared")
    PUBLIC = 3, _("public")
    NONE = 4, _("none")


class Tenure(models.IntegerChoices):
    OWNED = 1, _("owned")
    CONTRACT = 2, _("contract/rented")
    RENT_FREE = 3, _("rent-free")
    OFFICIAL = 4, _("official housing")
    OTHER = 5, _("other")


class Disability(models.IntegerChoices):
    NONE = 0, _("none")
    PHYSICAL = 1, _("physical (tuna daksa)")
    BLIND = 2, _("blind (tuna netra)")
    DEAF = 3, _("deaf (tuna rungu)")
    SPEECH = 4, _("speech (tuna wicara)")
    DEAF_SPEECH = 5, _("deaf and speech")
    BLIND_PHYSICAL = 6, _("blind and physical")
    BLIND_DEAF_SPEECH = 7, _("blind, deaf and speech")
    DEAF_SPEECH_PHYSICAL = 8, _("deaf, speech and physical")
    BLIND_DEAF_SPEECH_PHYSICAL = 9, _("blind, deaf, speech and physical")
    INTELLECTUAL = 10, _("intellectual (mental retardation)")
    FORMER_PSYCHIATRIC = 11, _("former psychiatric patient")
    PHYSICAL_MENTAL = 12, _("physical and mental")


class ChronicIllness(models.IntegerChoices):
    NONE = 0, _("none")
    HYPERTENSION = 1, _("hypertension")
    RHEUMATISM = 2, _("rheumatism")
    ASTHMA = 3, _("asthma")
    HEART = 4, _("heart disease")
    DIABETES = 5, _("diabetes")
    TUBERCULOSIS = 6, _("tuberculosis")
    STROKE = 7, _("stroke")
    CANCER = 8, _("cancer/tumour")
    OTHER = 9, _("other (kidney failure, lung disease …)")


class Relationship(models.TextChoices):
    """Relationship to the head; the registry writes them as codes 1–8 (`registry_code`)."""

    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("wife/husband")
    CHILD = "child", _("child")
    CHILD_IN_LAW = "child_in_law", _("child-in-law")
    GRANDCHILD = "grandchild", _("grandchild")
    PARENT = "parent", _("parent/parent-in-law")
    HOUSEHOLD_HELP = "household_help", _("household help")
    OTHER = "other", _("other")

    @classmethod
    def from_registry_code(cls, code: int) -> "Relationship":
        return list(cls)[code - 1]


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("not married")
    MARRIED = "married", _("married")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


class Schooling(models.TextChoices):
    """The highest school level attended (or being attended)."""

    NONE = "none", _("never attended school")
    EARLY = "early", _("early childhood (PAUD/TK)")
    PRIMARY = "primary", _("primary (SD/MI)")
    JUNIOR = "junior", _("junior secondary (SMP/MTs)")
    SENIOR = "senior", _("senior secondary (SMA/SMK/MA)")
    HIGHER = "higher", _("higher education")


class SchoolParticipation(models.TextChoices):
    NOT_YET = "not_yet", _("not yet in school")
    IN_SCHOOL = "in_school", _("in school")
    DROPPED_OUT = "dropped_out", _("no longer in school")
    FINISHED = "finished", _("finished school")


class Occupation(models.TextChoices):
    NONE = "none", _("not working")
    SCHOOL = "school", _("in school")
    HOUSEKEEPING = "housekeeping", _("housekeeping")
    FARMER = "farmer", _("farmer/farm labourer")
    FISHER = "fisher", _("fisher")
    LABOURER = "labourer", _("labourer")
    TRADER = "trader", _("trader")
    SELF_EMPLOYED = "self_employed", _("self-employed")
    PRIVATE_EMPLOYEE = "private_employee", _("private employee")
    CIVIL_SERVANT = "civil_servant", _("civil servant/TNI/Polri")
    INFORMAL = "informal", _("informal worker")
    OTHER = "other", _("other")


# Assets the registry asks about, as Household boolean fields `owns_<key>`.
ASSETS = {
    "land": _("land"),
    "other_house": _("another house"),
    "refrigerator": _("refrigerator"),
    "air_conditioner": _("air conditioner"),
    "motorcycle": _("motorcycle"),
    "car": _("car"),
    "gold": _("gold/jewellery of 10 g or more"),
}
