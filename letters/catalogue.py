"""The letter kinds every office starts with (seeded by a migration, then the admin's)."""

# code, name, layout, text, programmes (for a recommendation)
KINDS = [
    (
        "surat_rujukan",
        "Surat Rujukan",
        "referral",
        "Dengan hormat, bersama ini kami rujuk {holder_name}, warga {village}, {district}, "
        "untuk mendapatkan layanan sebagaimana tersebut di bawah.",
        [],
    ),
    (
        "suket_dtsen",
        "Surat Keterangan Terdaftar DTSEN",
        "registry",
        "Yang bertanda tangan di bawah ini menerangkan bahwa {holder_name}, NIK {holder_nik}, "
        "beralamat di {address}, {village}, {district}, {regency}, terdaftar dalam Data "
        "Tunggal Sosial dan Ekonomi Nasional (DTSEN) pada desil {desil} (data per "
        "{desil_date}). Surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.",
        [],
    ),
    (
        "rekomendasi",
        "Surat Rekomendasi",
        "recommendation",
        "Yang bertanda tangan di bawah ini merekomendasikan {holder_name}, NIK {holder_nik}, "
        "beralamat di {address}, {village}, {district}, {regency}, untuk mendapatkan layanan "
        "{program}.",
        ["PBI-JK", "JAMKESDA", "BAZNAS-DARURAT"],
    ),
]


def kinds_seed(LetterKind, Program) -> None:
    """Create the kinds missing (by code), and give the recommendation its programmes where
    they exist; kinds an office has changed keep its changes."""
    for code, name, layout, body, programs in KINDS:
        kind, _created = LetterKind.objects.get_or_create(
            code=code, defaults={"name": name, "layout": layout, "body": body}
        )
        if programs and not kind.programs.exists():
            kind.programs.set(Program.objects.filter(code__in=programs))
