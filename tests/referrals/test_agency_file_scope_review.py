"""The agency reads the referral's file and nothing more of the household: for each kind
its programme requires, the document the file holds (the newest), not the older ones nor
every member's."""

import datetime

from django.urls import reverse
from django.utils import timezone

from referrals.selectors import referral_file
from tests.factories import DocumentFactory, PersonFactory
from tests.referrals.test_referral_file import (  # noqa: F401 (fixtures)
    complaint,
    jamkesda,
    kind,
    readable_by,
    refer,
)


def test_the_agency_reads_the_files_documents_not_the_households_others_of_those_kinds(
    complaint,  # noqa: F811 (the fixture)
    back_office,
    jamkesda,  # noqa: F811 (the fixture)
    officer_of,
    as_user,
):
    household = complaint.household
    head = household.members.get(relationship="head")
    spouse = PersonFactory(household=household, name="Siti Hawa", relationship="spouse", sex="F")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    old_kk = DocumentFactory(household=household, kind=kind("kk"))
    kk = DocumentFactory(household=household, kind=kind("kk"))
    spouse_ktp = DocumentFactory(household=household, kind=kind("ktp"), owner_type="person",
                                 owner_id=spouse.pk)  # fmt: skip
    head_ktp = DocumentFactory(household=household, kind=kind("ktp"), owner_type="person",
                               owner_id=head.pk)  # fmt: skip
    type(kk).objects.filter(pk__in=[old_kk.pk, spouse_ktp.pk]).update(uploaded_at=long_ago)
    referral = refer(back_office, complaint, jamkesda)
    officer = officer_of("JAMKESDA")
    client = as_user(officer)

    in_file = {document.pk for document in referral_file(referral).documents}
    downloads = {
        name: client.get(reverse("documents:download", args=[document.pk])).status_code
        for name, document in [("kk", kk), ("head_ktp", head_ktp), ("old_kk", old_kk),
                               ("spouse_ktp", spouse_ktp)]
    }  # fmt: skip
    listed = client.get(
        "/api/v1/documents/", {"owner_type": "person", "owner_id": spouse.pk}
    ).json()

    assert in_file == {kk.pk, head_ktp.pk}
    assert set(readable_by(officer)) == {kk, head_ktp}
    assert downloads == {"kk": 200, "head_ktp": 200, "old_kk": 404, "spouse_ktp": 404}
    assert listed["count"] == 0
