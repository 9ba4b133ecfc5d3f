from django.core.management import call_command

from letters.models import Letter, LetterKind


def test_the_demo_has_the_kinds_and_two_letters_however_often_it_runs(kota_bima):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    assert set(LetterKind.objects.values_list("code", flat=True)) >= {
        "surat_rujukan", "suket_dtsen", "rekomendasi",
    }  # fmt: skip
    assert set(
        LetterKind.objects.get(code="rekomendasi").programs.values_list("code", flat=True)
    ) == {"PBI-JK", "JAMKESDA", "BAZNAS-DARURAT"}
    assert sorted(Letter.objects.values_list("status", flat=True)) == ["draft", "issued"]
    # the draft is the recommendation of the demo's PBI-JK reactivation, for its referral
    recommendation = Letter.objects.get(status="draft")
    assert (recommendation.kind.code, recommendation.referral.program.code) == (
        "rekomendasi", "PBI-JK",
    )  # fmt: skip
