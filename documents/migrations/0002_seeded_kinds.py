"""The document kinds an office starts with (docs/DOCUMENTS.md); admins add and edit them."""

from django.db import migrations

KINDS = [
    # code, name, photos only
    ("ktp", "KTP (Kartu Tanda Penduduk)", False),
    ("kk", "Kartu Keluarga", False),
    ("sktm", "SKTM (Surat Keterangan Tidak Mampu)", False),
    ("surat_faskes", "Surat keterangan fasilitas kesehatan", False),
    ("akta_lahir", "Akta kelahiran", False),
    ("akta_kematian", "Akta kematian", False),
    ("foto_depan", "Foto rumah tampak depan", True),
    ("foto_dalam", "Foto rumah bagian dalam", True),
    ("berita_acara", "Berita acara musyawarah desa/kelurahan", False),
    ("sptjm", "SPTJM (Surat Pernyataan Tanggung Jawab Mutlak)", False),
    ("surat_pernyataan", "Surat pernyataan", False),
    ("lainnya", "Lainnya", False),
]


def seed(apps, schema_editor):
    DocumentKind = apps.get_model("documents", "DocumentKind")
    for ordering, (code, name, images_only) in enumerate(KINDS, start=1):
        DocumentKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "images_only": images_only, "ordering": ordering * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
