"""The registry's lookups are designed to use indexes (measured at scale by bench/).

The planner prefers a sequential scan on a tiny table, so each test forbids it: what is
checked is that an index exists that answers the query, not the planner's choice.
"""

import pytest
from django.db import connection

from households.models import Household, Person
from regions.models import within_q
from tests.services import require_postgresql

pytestmark = [pytest.mark.services("postgresql"), pytest.mark.usefixtures("kota_bima")]


def plan_of(queryset) -> str:
    require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_a_nik_lookup_uses_an_index():
    plan = plan_of(Person.objects.filter(nik="5272014308820002"))

    assert "Index Cond: ((nik)::text =" in plan
    assert "Seq Scan" not in plan


def test_a_kk_lookup_uses_an_index():
    # Unordered, as a lookup of one is: ordered newest first, the planner may walk that
    # index and filter instead.
    plan = plan_of(Household.objects.filter(kk_number="5272011203150001").order_by())

    assert "Index Cond: ((kk_number)::text =" in plan
    assert "Seq Scan" not in plan


def test_a_scope_filter_uses_the_region_index():
    # Unordered: ordered newest first, the planner may walk that index and filter instead.
    plan = plan_of(Household.objects.filter(within_q("52.72.01", "region")).order_by())

    assert "households_household_region_id" in plan


def test_a_fuzzy_name_search_uses_the_trigram_index():
    plan = plan_of(Person.objects.filter(name_normalized__trigram_word_similar="aminah"))

    assert "person_name_trgm_idx" in plan


def test_duplicate_candidates_use_the_birth_date_index():
    plan = plan_of(Person.objects.filter(birth_date="1982-08-03", name_normalized="siti aminah"))

    assert "person_dup_idx" in plan
