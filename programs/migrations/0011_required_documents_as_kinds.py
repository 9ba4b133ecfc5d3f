"""A programme's required documents become document kinds.

The catalogue's programmes whose text is still the one it was installed with get the kinds
that text names and keep, as their other requirements, what names no kind. Any other text
(an administrator's, a programme of the office's own) gains the kinds it names and is left
as written, for the administrator to tidy: nothing typed by a person is rewritten."""

import re

from django.db import migrations

# The catalogue's texts as installed before kinds existed: kinds, and what remains.
CATALOGUE = {
    "Tidak perlu mendaftar: diusulkan melalui DTSEN; KTP dan KK untuk verifikasi.": (
        ["ktp", "kk"],
        "Tidak perlu mendaftar: diusulkan melalui DTSEN.",
    ),
    "KK, KTP, kartu KIS nonaktif, SKTM, foto rumah; surat dokter untuk reaktivasi.": (
        ["ktp", "kk", "sktm", "surat_faskes", "foto_depan"],
        "Kartu KIS yang nonaktif.",
    ),
    "NISN, NIK, SKTM.": (["ktp", "sktm"], "NISN."),
    "KTP, KK, bukti kepemilikan lahan; usulan kelurahan ke Dinas Sosial.": (
        ["ktp", "kk"],
        "Bukti kepemilikan lahan; usulan kelurahan ke Dinas Sosial.",
    ),
    "KTP, bukti kepemilikan lahan, surat keterangan penghasilan.": (
        ["ktp"],
        "Bukti kepemilikan lahan, surat keterangan penghasilan.",
    ),
    "KK, KTP; daftar di Dinas Sosial (kuota APBD, daftar tunggu).": (
        ["ktp", "kk"],
        "Daftar di Dinas Sosial (kuota APBD, daftar tunggu).",
    ),
    "KTP, KK.": (["ktp", "kk"], ""),
    "KTP, KK, SKTM dari kelurahan.": (["ktp", "kk", "sktm"], "SKTM diterbitkan oleh kelurahan."),
}

# How a free text names each kind.
NAMED = [
    ("ktp", r"\bKTP\b|\bNIK\b|kartu tanda penduduk"),
    ("kk", r"\bKK\b|kartu keluarga"),
    ("sktm", r"\bSKTM\b|keterangan tidak mampu"),
    ("surat_faskes", r"faskes|fasilitas kesehatan|surat (keterangan )?dokter|puskesmas"),
    ("akta_lahir", r"akta (kelahiran|lahir)"),
    ("akta_kematian", r"akta kematian"),
    ("foto_depan", r"foto rumah|tampak depan"),
    ("foto_dalam", r"bagian dalam"),
    ("berita_acara", r"berita acara"),
    ("sptjm", r"\bSPTJM\b|tanggung jawab mutlak"),
    ("surat_pernyataan", r"surat pernyataan"),
]


def kinds_named_in(text: str) -> list[str]:
    return [code for code, pattern in NAMED if re.search(pattern, text, re.IGNORECASE)]


def forwards(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    DocumentKind = apps.get_model("documents", "DocumentKind")
    kinds = {kind.code: kind for kind in DocumentKind.objects.all()}
    for program in Program.objects.exclude(required_documents=""):
        text = program.required_documents.strip()
        if text in CATALOGUE:
            codes, remaining = CATALOGUE[text]
            program.required_documents = remaining
            program.save(update_fields=["required_documents"])
        else:
            codes = kinds_named_in(text)
        program.required_kinds.add(*[kinds[code] for code in codes if code in kinds])


def backwards(apps, schema_editor):
    """The kinds' names back into the text, before what remained."""
    Program = apps.get_model("programs", "Program")
    for program in Program.objects.prefetch_related("required_kinds"):
        names = [kind.name for kind in program.required_kinds.all()]
        if names:
            program.required_documents = "; ".join(
                part for part in [", ".join(names), program.required_documents] if part
            )
            program.save(update_fields=["required_documents"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_seeded_kinds"),
        ("programs", "0010_program_required_kinds"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
