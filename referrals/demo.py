"""Demo referrals (`seed_demo`), in several states, made through the same services as the
pages: one waiting for the demo agency, one it acknowledged, one it completed, and one
waiting for its decision (penetapan) before it is sent."""

from django.contrib.auth.models import User

from complaints.models import Complaint
from documents.demo import sample_upload
from documents.models import Document
from documents.services import document_store
from programs.models import Program
from referrals.models import Referral
from referrals.selectors import DocumentFile, complaint_files, referral_file
from referrals.services import referral_transition, referrals_create

# complaint category, programmes, then the demo agency's answers to its own programme's referral
DEMO_REFERRALS = [
    # PKH waits for the decision (penetapan) of the demo supervisor or coordinator
    ("kesehatan-pbi", ["JAMKESDA", "PBI-JK", "PKH"], ["received"]),
    ("dtks-surat", ["DTKS-SURAT"], ["received", "completed"]),
]
# The demo's programmes that need a decision before a referral is sent.
DEMO_DECIDED_PROGRAMS = ["PKH"]


def seed_referrals(*, back_office: User, agency_officer: User) -> list[Referral]:
    """Refer the demo complaints once; a second run leaves them as they are."""
    made = []
    Program.objects.filter(code__in=DEMO_DECIDED_PROGRAMS).update(requires_decision=True)
    for category, codes, answers in DEMO_REFERRALS:
        complaint = Complaint.objects.filter(category__code=category).order_by("pk").first()
        if complaint is None:
            continue
        if complaint.referrals.exists():
            made += list(complaint.referrals.all())
            continue
        programs = list(Program.objects.filter(code__in=codes).select_related("agency"))
        if "completed" not in answers:  # the referral left open carries its whole file
            for program in programs:
                if program.agency_id == agency_officer.staff_profile.agency_id:
                    seed_complaint_file(complaint=complaint, program=program, actor=back_office)
        referrals = referrals_create(
            actor=back_office,
            complaint=complaint,
            programs=programs,
            notes="Mohon ditindaklanjuti; warga sudah membawa KTP dan KK.",
        )
        for referral in referrals:
            if referral.agency_id != agency_officer.staff_profile.agency_id:
                continue
            for answer in answers:
                referral.refresh_from_db()
                referral_transition(
                    actor=agency_officer,
                    referral=referral,
                    to=answer,
                    note="Surat keterangan terbit." if answer == "completed" else "",
                )
        made += referrals
    return made


def seed_complaint_file(*, complaint: Complaint, program: Program, actor: User) -> None:
    """Attach to `complaint` a sample document (`documents.demo`) of each kind `program`
    requires and the complaint's file lacks, through the upload pipeline: referred then,
    the referral goes with its file complete."""
    for kind in complaint_files(complaint, [program])[program.pk].missing:
        document_store(
            actor=actor,
            household_id=complaint.household_id,
            owner_type=Document.Owner.COMPLAINT,
            owner_id=complaint.pk,
            kind=kind,
            upload=sample_upload(kind),
        )


def seed_referral_file(*, referral: Referral, actor: User) -> DocumentFile:
    """Attach to `referral` a sample document of each kind its programme requires and its
    file lacks (none when `seed_complaint_file` ran before it was sent; some in a demo
    database made before the demo had documents). A second run adds nothing."""
    for kind in referral_file(referral).missing:
        document_store(
            actor=actor,
            household_id=referral.household_id,
            owner_type=Document.Owner.REFERRAL,
            owner_id=referral.pk,
            kind=kind,
            upload=sample_upload(kind),
        )
    return referral_file(referral)
