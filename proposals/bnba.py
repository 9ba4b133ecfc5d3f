"""The by-name-by-address list (BNBA) of an approved batch, as the XLSX the village sends
with its berita acara: one sheet per kind of proposal, the registry's own variable names
and codes, so that the ministry reads it as it reads its own extract (docs/BNBA.md)."""

import io

import openpyxl

from households.registry_codes import Relationship
from proposals.batches import batch_proposals
from proposals.models import Proposal, ProposalBatch
from slrt.spreadsheets import xlsx_append

# One sheet per kind, in the order the ministry's form lists them.
SHEETS = [
    (Proposal.Kind.NEW_HOUSEHOLD, "USULAN_BARU"),
    (Proposal.Kind.NEW_MEMBER, "ANGGOTA_BARU"),
    (Proposal.Kind.CORRECTION, "PERBAIKAN"),
    (Proposal.Kind.EXIT, "KELUAR"),
]
PERSON_COLUMNS = [
    "ID_USULAN", "KODE_WILAYAH", "IDDTKS", "NO_KK", "NIK", "NAMA", "JENIS_KELAMIN",
    "TANGGAL_LAHIR", "TEMPAT_LAHIR", "HUBUNGAN_KELUARGA", "ALAMAT", "RT", "RW",
]  # fmt: skip
EXTRA_COLUMNS = {
    Proposal.Kind.NEW_HOUSEHOLD: [],
    Proposal.Kind.NEW_MEMBER: [],
    Proposal.Kind.CORRECTION: ["VARIABEL", "NILAI_LAMA", "NILAI_BARU"],
    Proposal.Kind.EXIT: ["ALASAN_KELUAR"],
}
SEX_CODES = {"M": 1, "F": 2}
RELATIONSHIP_CODES = {value: code for code, value in enumerate(Relationship.values, start=1)}
EXIT_REASON_CODES = {value: code for code, value in enumerate(Proposal.ExitReason.values, start=1)}


def _person_cells(proposal: Proposal, person) -> list:
    household = proposal.household
    return [
        proposal.pk,
        proposal.region_id,
        household.dtks_id or "",
        household.kk_number or "",
        person.nik if person and person.nik else "",
        person.name if person else "",
        SEX_CODES.get(person.sex, "") if person else "",
        person.birth_date.strftime("%d-%m-%Y") if person and person.birth_date else "",
        person.birth_place if person else "",
        RELATIONSHIP_CODES.get(person.relationship, "") if person else "",
        household.address,
        household.rt,
        household.rw,
    ]


def _rows(proposal: Proposal, members: list) -> list[list]:
    """The lines of one proposal: a new household writes each active member (the head first), a
    correction one line per variable changed, the others the member they are about."""
    if proposal.kind == Proposal.Kind.NEW_HOUSEHOLD:
        people = members or [None]
        return [_person_cells(proposal, person) for person in people]
    base = _person_cells(proposal, proposal.person)
    if proposal.kind == Proposal.Kind.CORRECTION:
        changes = proposal.changes or {}
        if not changes:
            return [[*base, "", "", ""]]
        return [
            [*base, variable, (change or {}).get("from", ""), (change or {}).get("to", "")]
            for variable, change in sorted(changes.items())
        ]
    if proposal.kind == Proposal.Kind.EXIT:
        return [[*base, EXIT_REASON_CODES.get(proposal.exit_reason, "")]]
    return [base]


def bnba_proposals(batch: ProposalBatch):
    """Every proposal the approved or sent batch holds, by kind."""
    return batch_proposals(batch).select_related("household", "person").order_by("kind", "pk")


def bnba_workbook(batch: ProposalBatch) -> bytes:
    """The batch's BNBA as XLSX bytes; every cell through the spreadsheet guard."""
    workbook = openpyxl.Workbook(write_only=True)
    sheets = {}
    for kind, title in SHEETS:
        sheet = workbook.create_sheet(title)
        xlsx_append(sheet, PERSON_COLUMNS + EXTRA_COLUMNS[kind])
        sheets[kind] = sheet
    for proposal in bnba_proposals(batch):
        members = []
        if proposal.kind == Proposal.Kind.NEW_HOUSEHOLD:
            # its members of now: one who died or moved out is not proposed with it
            members = sorted(
                proposal.household.members.active(),
                key=lambda person: (RELATIONSHIP_CODES.get(person.relationship, 9), person.pk),
            )
        for row in _rows(proposal, members):
            xlsx_append(sheets[proposal.kind], row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bnba_file_name(batch: ProposalBatch) -> str:
    return f"BNBA-{batch.region_id}-{batch.month:%Y-%m}.xlsx"
