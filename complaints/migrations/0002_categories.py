"""The complaint category tree. Admins may rename, add or retire categories afterwards."""

from django.db import migrations

# code, Indonesian name, English name, working days to resolve, children
CATEGORIES = [
    ("bansos", "Bantuan sosial tidak diterima", "Social assistance not received", 14, [
        ("bansos-pkh", "PKH tidak diterima atau terhenti", "PKH not received or stopped", 14),
        ("bansos-sembako", "BPNT/Sembako tidak diterima", "BPNT/Sembako not received", 14),
        ("bansos-lain", "Bantuan sosial lain tidak diterima", "Other assistance not received", 14),
    ]),
    ("dtks", "Pendaftaran atau perbaikan DTKS/DTSEN", "Registry (DTKS/DTSEN) registration or correction", 10, [
        ("dtks-usulan", "Usulan masuk DTKS/DTSEN", "Proposal to enter the registry", 10),
        ("dtks-perbaikan", "Perbaikan data DTKS/DTSEN", "Correction of registry data", 10),
        ("dtks-surat", "Surat keterangan terdaftar DTKS/SKTM", "Registry listing letter/SKTM", 3),
    ]),
    ("kesehatan", "Kesehatan dan jaminan kesehatan", "Health and health insurance", 7, [
        ("kesehatan-pbi", "PBI-JK/KIS nonaktif", "PBI-JK/KIS deactivated", 7),
        ("kesehatan-biaya", "Biaya berobat atau rawat inap", "Medical or hospital costs", 5),
    ]),
    ("pendidikan", "Pendidikan", "Education", 14, []),
    ("perumahan", "Perumahan (rumah tidak layak huni)", "Housing (unfit house)", 30, []),
    ("disabilitas", "Disabilitas", "Disability", 14, []),
    ("lansia", "Lanjut usia", "Elderly", 14, []),
    ("anak", "Anak", "Children", 14, []),
    ("perlindungan", "Kekerasan dan perlindungan", "Violence and protection", 3, []),
    ("penghidupan", "Penghidupan dan ekonomi", "Livelihood", 14, []),
    ("adminduk", "Dokumen kependudukan", "Civil documents", 7, []),
    ("bencana", "Bencana", "Disaster", 3, []),
    ("informasi", "Permintaan informasi", "Information request", 1, []),
    ("lainnya", "Lainnya", "Other", 14, []),
]  # fmt: skip


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    for order, (code, name, name_en, days, children) in enumerate(CATEGORIES, start=1):
        parent, _created = Category.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "resolution_days": days, "sort_order": order},
        )
        for child_order, (child_code, child_name, child_en, child_days) in enumerate(children, 1):
            Category.objects.update_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "name_en": child_en,
                    "resolution_days": child_days,
                    "sort_order": order * 100 + child_order,
                    "parent": parent,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
