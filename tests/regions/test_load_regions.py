import pytest
from django.core.management import CommandError, call_command

from regions.codes import REGIONS_CSV
from regions.models import Region

ROWS_IN_FILE = 91_599


@pytest.mark.django_db
def test_loads_every_region_once_even_when_run_twice(capsys):
    call_command("load_regions")
    first = capsys.readouterr().out
    call_command("load_regions")
    second = capsys.readouterr().out

    assert Region.objects.count() == ROWS_IN_FILE
    counts = {level: Region.objects.filter(level=level).count() for level in range(1, 5)}
    assert counts == {1: 38, 2: 514, 3: 7_285, 4: 83_762}
    assert f"{ROWS_IN_FILE:,} created" in first
    assert "0 created, 0 updated" in second
    kota_bima = Region.objects.get(code="52.72")
    assert (kota_bima.name, kota_bima.level, kota_bima.parent_id) == ("Kota Bima", 2, "52")
    assert Region.objects.get(code="52.72.01.1001").parent_id == "52.72.01"


@pytest.mark.django_db
def test_prefix_loads_the_region_below_and_above_it(capsys):
    call_command("load_regions", prefix="52.72")

    codes = set(Region.objects.values_list("code", flat=True))
    assert {"52", "52.72", "52.72.01", "52.72.05.1010"} <= codes
    assert "52.71" not in codes
    assert all(code in {"52", "52.72"} or code.startswith("52.72.") for code in codes)
    assert "rows written (100%)" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_renamed_region_is_updated_not_duplicated(capsys):
    call_command("load_regions", prefix="52.72", verbosity=0)
    Region.objects.filter(code="52.72.01").update(name="Old name")
    count = Region.objects.count()

    call_command("load_regions", prefix="52.72")

    assert Region.objects.count() == count
    assert Region.objects.get(code="52.72.01").name == "Rasanae Barat"
    assert "0 created, 1 updated" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("5272", "bukan kode wilayah"),
        ("52.7", "bukan kode wilayah"),
        ("99.99", "Tidak ada wilayah"),
    ],
)
def test_a_bad_prefix_is_refused_and_loads_nothing(prefix, message):
    with pytest.raises(CommandError, match=message):
        call_command("load_regions", prefix=prefix)

    assert not Region.objects.exists()


@pytest.mark.django_db
def test_a_broken_file_names_the_line_and_loads_nothing(tmp_path, monkeypatch):
    broken = tmp_path / "wilayah.csv"
    lines = REGIONS_CSV.read_text(encoding="utf-8").splitlines()[:5]
    broken.write_text("\n".join([*lines, "52.72.01,Rasanae Barat,4"]) + "\n", encoding="utf-8")
    monkeypatch.setattr("regions.services.REGIONS_CSV", broken)

    with pytest.raises(CommandError, match="baris 6"):
        call_command("load_regions")

    assert not Region.objects.exists()


@pytest.mark.django_db
def test_a_village_prefix_is_idempotent_too(capsys):
    call_command("load_regions", prefix="52.72.01.1001")
    call_command("load_regions", prefix="52.72.01.1001")

    assert set(Region.objects.values_list("code", flat=True)) == {
        "52",
        "52.72",
        "52.72.01",
        "52.72.01.1001",
    }
    assert "0 created, 0 updated, 4 unchanged" in capsys.readouterr().out
