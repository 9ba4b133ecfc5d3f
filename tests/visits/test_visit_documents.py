"""Visits as owners of documents: a facilitator attaches photos to their own open visits
only, and reads the documents of their own visits; the registry's roles those of their area."""

from documents.models import Document
from documents.owners import OWNER_TYPES, READERS
from tests.factories import DocumentFactory
from visits.services import visit_cancel


def readable_by(user):
    filters = [reader(user) for reader in READERS]
    filters = [q for q in filters if q is not None]
    if not filters:
        return Document.objects.none()
    combined = filters[0]
    for q in filters[1:]:
        combined |= q
    return Document.objects.filter(combined)


def test_a_facilitator_attaches_photos_to_their_open_visits_only(assigned, staff):
    owner = OWNER_TYPES["visit"]

    assert list(owner.records_for(staff["facilitator"])) == [assigned]
    assert not owner.records_for(staff["facilitator_2"]).exists()
    assert not owner.records_for(staff["agency_officer"]).exists()
    assert not owner.records_for(staff["back_office"]).exists()  # the office files elsewhere
    visit_cancel(actor=staff["back_office"], visit=assigned, note="Batal")
    assert not owner.records_for(staff["facilitator"]).exists()


def test_a_facilitator_reads_the_documents_of_their_own_visits(assigned, staff):
    photo = DocumentFactory(household=assigned.household, owner_type="visit",
                            owner_id=assigned.pk)  # fmt: skip
    DocumentFactory(household=assigned.household)  # the household's KK: not theirs to read

    assert list(readable_by(staff["facilitator"])) == [photo]
    for other in ("facilitator_2", "facilitator_other_district", "facilitator_other_city"):
        assert not readable_by(staff[other]).exists()
