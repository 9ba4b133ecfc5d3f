"""The monthly batches: which batch a submitted proposal joins, and the batch's own moves
(approval by the head of office, sending), each taking every proposal of it along."""

import datetime

from proposals.calendar import batch_month, cycle_for
from proposals.models import ProposalBatch
from regions.models import Region


def batch_for(region: Region, day: datetime.date) -> ProposalBatch:
    """The batch of village `region` that a proposal submitted on `day` (the village's own
    date) joins: this month's until the cut-off day, next month's after it."""
    month = batch_month(cycle_for(region.code), day)
    batch, _created = ProposalBatch.objects.get_or_create(region=region, month=month)
    return batch
