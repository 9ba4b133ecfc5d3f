import threading

import pytest
from django.db import connection

from letters.models import Letter, LetterCounter
from letters.services import letter_draft, letter_issue
from tests.factories import HouseholdFactory, PersonFactory
from tests.services import require_postgresql


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services("postgresql")
def test_letters_issued_at_the_same_instant_get_distinct_consecutive_numbers(
    kinds, back_office, head_of_office
):
    """Eight letters of one office issued at once, from eight connections: numbers 1 to 8,
    each once, and the counter at 8."""
    require_postgresql()
    drafts = [
        letter_draft(
            actor=back_office, kind=kinds["suket_dtsen"],
            person=PersonFactory(household=HouseholdFactory(region_id="52.72.01.1001", desil=3)),
        )
        for _ in range(8)
    ]  # fmt: skip
    errors: list[Exception] = []
    barrier = threading.Barrier(len(drafts))

    def head(letter):
        try:
            barrier.wait()
            letter_issue(actor=head_of_office, letter=letter)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=head, args=(letter,)) for letter in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    issued = Letter.objects.filter(status="issued")
    assert sorted(issued.values_list("serial", flat=True)) == list(range(1, 9))
    assert len(set(issued.values_list("number", flat=True))) == 8
    assert LetterCounter.objects.get().last == 8
