"""The registry proposal is no longer a programme one refers a household to: the `DTSEN-USUL`
programme is retired, and each of its referrals becomes a proposal to DTSEN.

A referral still open becomes a draft proposal of a new household (the desk checks it and
submits it, with its evidence) and is cancelled with a note that says where it went; one
completed or rejected becomes an accepted or rejected proposal, for the record. A household
with a proposal of that kind already open gets no second one. Undone, the programme is
active again and the proposals this made are removed (the cancelled referrals stay so)."""

from django.db import migrations
from django.utils import timezone

CODE = "DTSEN-USUL"
MARK = "Dari rujukan DTSEN-USUL"  # the events of the proposals made here, in Indonesian
OPEN_REFERRAL = ("draft", "sent", "received", "in_progress")
SETTLED = {"completed": "accepted", "rejected": "rejected"}


def referrals_to_proposals(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Referral = apps.get_model("referrals", "Referral")
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    Proposal = apps.get_model("proposals", "Proposal")
    ProposalEvent = apps.get_model("proposals", "ProposalEvent")
    program = Program.objects.filter(code=CODE).first()
    if program is None:
        return
    referrals = (
        Referral.objects.filter(program=program)
        .exclude(status="cancelled")
        .select_related("household")
        .order_by("created_at", "pk")
    )
    open_households = set(
        Proposal.objects.filter(kind="new_household", person__isnull=True)
        .exclude(status__in=["accepted", "rejected"])
        .values_list("household_id", flat=True)
    )
    now = timezone.now()
    for referral in referrals:
        status = SETTLED.get(referral.status, "draft")
        if status == "draft" and referral.household_id in open_households:
            continue
        proposal = Proposal.objects.create(
            kind="new_household",
            household_id=referral.household_id,
            region_id=referral.household.region_id,
            reason=referral.notes[:2000],
            source="complaint",
            complaint_id=referral.complaint_id,
            status=status,
            outcome_note=referral.outcome_note[:500],
            created_by_id=referral.created_by_id,
        )
        ProposalEvent.objects.create(
            proposal=proposal, actor=None, from_status="", to_status=status, via="system",
            note=f"{MARK} {referral.complaint_id}-{referral.sequence}",
        )  # fmt: skip
        if status == "draft":
            open_households.add(referral.household_id)
        if referral.status in OPEN_REFERRAL:
            ReferralEvent.objects.create(
                referral=referral, from_status=referral.status, to_status="cancelled",
                via="system", note=f"Dipindahkan menjadi usulan DTSEN {proposal.pk}.",
            )  # fmt: skip
            Referral.objects.filter(pk=referral.pk).update(
                status="cancelled", closed_at=now, version=referral.version + 1
            )
    Program.objects.filter(pk=program.pk).update(is_active=False)


def proposals_back(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Proposal = apps.get_model("proposals", "Proposal")
    Proposal.objects.filter(events__note__startswith=MARK).delete()
    Program.objects.filter(code=CODE).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_objection_objector"),
        ("programs", "0011_required_documents_as_kinds"),
        ("referrals", "0011_referral_file_note_and_document_request"),
    ]

    operations = [migrations.RunPython(referrals_to_proposals, proposals_back)]
