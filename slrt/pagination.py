"""Counting the admin's long lists without `COUNT(*)`."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """A paginator that takes PostgreSQL's estimate of a long list's length.

    The admin counts a list to number its pages, and an exact `COUNT(*)` over a million
    referrals reads every row. Here the count stops at `exact_below` rows (one query, bounded
    work), which keeps short lists exact; a list that reaches it takes the planner's estimate
    of its own query (`EXPLAIN`, filters included) instead. Other databases (the demo's
    SQLite) count a long list whole.
    """

    exact_below = 20_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        bounded = queryset[: self.exact_below].count()
        if bounded < self.exact_below:
            return bounded
        estimate = planner_estimate(queryset)
        return super().count if estimate is None else max(estimate, bounded)


def planner_estimate(queryset) -> int | None:
    """The rows PostgreSQL expects `queryset` to return, or None when it cannot tell."""
    query = getattr(queryset, "query", None)
    if query is None or connections[queryset.db].vendor != "postgresql":
        return None
    connection = connections[queryset.db]
    sql, params = query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
