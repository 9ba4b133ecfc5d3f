"""The programme catalogue of a Kota Bima SLRT office, from the public criteria gathered in
the project's research notes. Thresholds that sources disagree on are in the rules, where an
admin can change them, never in code.

`catalogue_install` creates what is missing and leaves what exists alone, so an admin's
edits to a rule survive a re-run.
"""

from django.db import transaction

from documents.models import DocumentKind
from programs.models import Agency, Program
from programs.rules import validate_rule
from regions.models import Region

L = Agency.Level

# name, level, served from the deployment's region (True) or its province (False), e-mail
AGENCIES = {
    "kemensos": ("Kementerian Sosial (melalui Dinas Sosial)", L.CENTRAL, True, ""),
    "kemendikdasmen": ("Kemendikdasmen (melalui Dinas Pendidikan)", L.CENTRAL, True, ""),
    "kemdiktisaintek": ("Kemdiktisaintek (KIP Kuliah)", L.CENTRAL, True, ""),
    "kemenpkp": ("Kementerian Perumahan dan Kawasan Permukiman", L.CENTRAL, True, ""),
    "disperkim-ntb": ("Dinas Perumahan dan Permukiman Provinsi NTB", L.PROVINCIAL, False, ""),
    "dinsos": ("Dinas Sosial Kota Bima", L.MUNICIPAL, True, "dinsos@bimakota.example"),
    "baznas": ("BAZNAS Kota Bima", L.NON_GOVERNMENT, True, "baznas@bimakota.example"),
    "baznas-ntb": ("BAZNAS Provinsi NTB", L.NON_GOVERNMENT, False, ""),
}


def field(name, op, value):
    return {"field": name, "op": op, "value": value}


def member(*clauses):
    return {"member": clauses[0] if len(clauses) == 1 else {"all": list(clauses)}}


# Unfit house (rumah tidak layak huni): earth, bamboo or poor board floor; perishable walls
# or roof; or no toilet.
UNFIT_HOUSE = {
    "any": [
        field("floor_material", "in", [7, 8, 9]),
        field("wall_material", "in", [4, 5, 6]),
        field("roof_material", "in", [8, 9]),
        field("toilet", "eq", 4),
    ]
}
SCHOOL_AGE_IN_OR_OUT_OF_SCHOOL = member(
    field("age", "between", [6, 21]),
    field("school_participation", "in", ["in_school", "dropped_out"]),
)

# BAZNAS gives emergency aid to the poor and destitute (fakir/miskin) on the kelurahan's
# recommendation and its own field survey, and cross-checks the city's desil-1 list: the desil
# is a check, not a condition. A household with a desil above 2 is not its client; one the
# registry does not know yet is assessed in the field like any other.
EMERGENCY_AID = {"any": [field("desil", "lte", 2), field("desil", "isnull", True)]}

# code, name, agency, domains, response days, resolution days, the kinds of the documents a
# referral carries (`documents.DocumentKind` codes), what else the agency asks for, rule
PROGRAMS = [
    ("PKH", "Program Keluarga Harapan", "kemensos",
     ["health", "education", "elderly", "disability", "children"], 5, 60,
     ["ktp", "kk"], "Tidak perlu mendaftar: diusulkan melalui DTSEN.",
     {"all": [
         field("desil", "lte", 4),
         {"any": [
             member(field("is_pregnant", "eq", True)),
             member(field("age", "lt", 7)),
             member(field("age", "between", [7, 21]),
                    field("school_participation", "eq", "in_school")),
             member(field("age", "gte", 60)),
             member(field("disability", "ne", 0)),
         ]},
     ]}),
    ("BPNT", "Bantuan Pangan Non Tunai (Program Sembako)", "kemensos", ["food"], 5, 60,
     [], "Tidak perlu mendaftar: diusulkan melalui DTSEN.",
     field("desil", "lte", 5)),
    ("PBI-JK", "Penerima Bantuan Iuran Jaminan Kesehatan", "kemensos", ["health"], 3, 14,
     ["ktp", "kk", "sktm", "surat_faskes", "foto_depan"], "Kartu KIS yang nonaktif.",
     {"any": [
         field("desil", "lte", 5),
         {"all": [field("desil", "lte", 7), member(field("chronic_illness", "ne", 0))]},
     ]}),
    ("PIP", "Program Indonesia Pintar (KIP)", "kemendikdasmen", ["education", "children"], 5, 60,
     [], "KIP/KKS atau Surat Keterangan Terdaftar DTKS.",
     {"all": [
         SCHOOL_AGE_IN_OR_OUT_OF_SCHOOL,
         {"any": [field("desil", "lte", 4), {"enrolled": "PKH"}]},
     ]}),
    ("KIP-KULIAH", "KIP Kuliah", "kemdiktisaintek", ["education"], 10, 90,
     ["ktp", "sktm"], "NISN.",
     {"all": [
         member(field("age", "between", [17, 25]), field("schooling", "eq", "senior"),
                field("school_participation", "eq", "finished")),
         {"any": [field("desil", "lte", 3), {"enrolled": "PKH"}, {"enrolled": "PIP"}]},
     ]}),
    ("ATENSI", "Asistensi Rehabilitasi Sosial", "kemensos",
     ["disability", "elderly", "children", "protection"], 5, 30,
     [], "Asesmen pendamping (dinilai kasus per kasus).",
     {"any": [member(field("disability", "ne", 0)), member(field("age", "gte", 60))]}),
    ("RUTILAHU", "Rehabilitasi Sosial Rumah Tidak Layak Huni", "kemensos", ["housing"], 10, 180,
     ["ktp", "kk"], "Bukti kepemilikan lahan; usulan kelurahan ke Dinas Sosial.",
     {"all": [field("desil", "lte", 4), field("tenure", "eq", 1), UNFIT_HOUSE]}),
    ("BSPS", "Bantuan Stimulan Perumahan Swadaya", "kemenpkp", ["housing"], 10, 180,
     ["ktp"], "Bukti kepemilikan lahan, surat keterangan penghasilan.",
     {"all": [
         field("tenure", "eq", 1), UNFIT_HOUSE,
         member(field("marital_status", "eq", "married")),
         field("monthly_income", "lte", 2_602_931),  # UMP NTB 2025
     ]}),
    ("RTLH-NTB", "Rumah Tidak Layak Huni Provinsi NTB", "disperkim-ntb", ["housing"], 10, 180,
     [], "Bukti kepemilikan lahan.",
     {"all": [field("desil", "lte", 5), field("tenure", "eq", 1), UNFIT_HOUSE]}),
    ("JAMKESDA", "Jaminan Kesehatan Daerah (PBI APBD Kota Bima)", "dinsos", ["health"], 3, 14,
     ["ktp", "kk"], "Daftar di Dinas Sosial (kuota APBD, daftar tunggu).",
     {"all": [
         field("desil", "lte", 6),
         {"not": {"enrolled": "PBI-JK"}},
         {"not": member(field("occupation", "in", ["civil_servant", "private_employee"]))},
     ]}),
    ("BAZNAS-DARURAT", "Bantuan Darurat BAZNAS Kota Bima", "baznas",
     ["food", "health", "housing", "economic"], 2, 14,
     [], "Rekomendasi kelurahan; survei lapangan.",
     EMERGENCY_AID),
    ("BAZNAS-NTB-PEDULI", "NTB Peduli (BAZNAS Provinsi NTB)", "baznas-ntb",
     ["health", "education", "housing"], 5, 30,
     [], "Usulan kabupaten/kota, diverifikasi BAZNAS NTB.",
     field("desil", "lte", 3)),
    ("DTKS-SURAT", "Surat Keterangan Terdaftar DTKS/DTSEN", "dinsos", ["documents"], 1, 3,
     ["ktp", "kk"], "",
     {"all": []}),
]  # fmt: skip


# Settings of some programmes beyond the table: PBI-JK is the reactivation programme, its
# emergencies settled within 24 hours.
PROGRAM_SETTINGS = {"PBI-JK": {"is_reactivation": True, "emergency_hours": 24}}


@transaction.atomic
def catalogue_install(*, region_code: str) -> tuple[int, int]:
    """Create the catalogue's agencies and programmes that do not exist yet, serving
    `region_code` (the deployment's regency/city). Returns (agencies, programmes) created."""
    province = Region.code_at(region_code, Region.Level.PROVINCE)
    agencies, created_agencies = {}, 0
    for key, (name, level, local, email) in AGENCIES.items():
        agencies[key], created = Agency.objects.get_or_create(
            name=name,
            defaults={
                "level": level,
                "region_id": region_code if local else province,
                "email": email,
            },
        )
        created_agencies += created
    known = {code for code, *_rest in PROGRAMS} | set(
        Program.objects.values_list("code", flat=True)
    )
    created_programs = 0
    kinds = {kind.code: kind for kind in DocumentKind.objects.all()}
    for code, name, agency, domains, response, resolution, documents, other, rule in PROGRAMS:
        validate_rule(rule, known_programs=known)
        program, created = Program.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": agencies[agency].level,
                "agency": agencies[agency],
                "domains": domains,
                "response_days": response,
                "resolution_days": resolution,
                "required_documents": other,
                "rule": rule,
                **PROGRAM_SETTINGS.get(code, {}),
            },
        )
        if created:  # a kind an admin removed is left out
            program.required_kinds.set([kinds[kind] for kind in documents if kind in kinds])
        created_programs += created
    return created_agencies, created_programs
