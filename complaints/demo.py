"""Demo complaints for the demo households (`seed_demo`), in several states."""

from django.contrib.auth.models import User

from complaints.models import Complaint, ComplaintCategory
from complaints.services import (
    complaint_assess,
    complaint_assign,
    complaint_close,
    complaint_register,
)
from households.models import Household

# KK number of the household, complainant's name (a member, or a caller), category, channel,
# urgency, consent, description, what happened next
DEMO_COMPLAINTS = [
    ("5272011203150001", "Siti Aminah", "kesehatan-pbi", "walk_in", "urgent", True,
     "Kartu KIS ibu tidak aktif saat berobat ke puskesmas; anak sedang demam.", "assigned"),
    ("5272010507180002", "Hj. Fatimah", "bansos-pkh", "walk_in", "normal", True,
     "Bantuan PKH lansia tidak cair sejak tiga bulan.", "assessed"),
    ("5272021910160003", "Nur Hasanah", "kesehatan-biaya", "phone", "emergency", True,
     "Ibu hamil tujuh bulan perlu dirujuk ke RSUD, tidak ada biaya transport.", "registered"),
    ("5272030102190004", "Syamsuddin", "disabilitas", "home_visit", "normal", False,
     "Membutuhkan kursi roda; belum terdaftar sebagai penyandang disabilitas.", "registered"),
    ("5272042708170005", "Jamilah", "informasi", "walk_in", "normal", True,
     "Menanyakan syarat pendaftaran DTSEN.", "handled"),
    ("5272042708170005", "Jamilah", "dtks-surat", "walk_in", "normal", True,
     "Perlu surat keterangan terdaftar DTSEN untuk beasiswa anak.", "assessed"),
]  # fmt: skip
# The needs recorded for an assessed complaint, by category.
DEMO_NEEDS = {
    "kesehatan-pbi": [{"domain": "health", "severity": 3, "notes": "KIS nonaktif; anak demam."}],
    "bansos-pkh": [
        {"domain": "elderly", "severity": 3, "notes": "Lansia hidup dengan cucu."},
        {"domain": "food", "severity": 2},
    ],
    "dtks-surat": [{"domain": "documents", "severity": 1, "notes": "Untuk beasiswa anak."}],
}


def seed_complaints(*, front_office: User, back_office: User) -> list[Complaint]:
    """Register the demo complaints once; a second run leaves them as they are."""
    made = []
    for kk, complainant, category, channel, urgency, consent, text, then in DEMO_COMPLAINTS:
        household = Household.objects.get(kk_number=kk)
        existing = household.complaints.filter(description=text).first()
        if existing:
            made.append(existing)
            continue
        member = household.members.filter(name=complainant).first()
        complaint = complaint_register(
            actor=front_office,
            household=household,
            category=ComplaintCategory.objects.get(code=category),
            channel=channel,
            description=text,
            urgency=urgency,
            complainant=member,
            complainant_name="" if member else complainant,
            consent_given=consent,
        )
        if then in ("assigned", "assessed"):
            complaint = complaint_assign(
                actor=back_office, complaint=complaint, assignee=back_office
            )
        if then == "assessed" or category == "kesehatan-pbi":
            complaint = complaint_assess(
                actor=back_office, complaint=complaint, needs=DEMO_NEEDS[category]
            )
        if then == "handled":
            complaint = complaint_close(
                actor=back_office,
                complaint=complaint,
                closure_reason=Complaint.ClosureReason.HANDLED_DIRECTLY,
                note="Syarat dijelaskan di meja layanan; warga membawa pulang daftar dokumen.",
            )
        made.append(complaint)
    return made
