"""The main menu: which pages each role finds in the layout's navigation bar, and what the
home page tells each role about its work."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import (
    REGISTRY_READING_ROLES,
    REGISTRY_ROLES,
    SUPERVISING_ROLES,
    Role,
    user_roles,
)


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    description: str | Promise = ""
    group: str | Promise = ""  # items of a group sit in one drop-down of the menu bar


SUPERVISION = _("Supervision")
# The national registry's monthly cycle: proposals, their batches, objections, follow-up.
DTSEN = "DTSEN"

MENU = [
    MenuItem(_("Home"), "home", frozenset(Role.values)),
    MenuItem(
        _("Households"),
        "households:search",
        REGISTRY_READING_ROLES,  # facilitators read them, before and during a visit
        _("Find the households of your working area and see who lives in them."),
    ),
    MenuItem(
        _("Complaints"),
        "complaints:queue",
        REGISTRY_ROLES,
        _("Today's registrations, the work queue, and every complaint of your area."),
    ),
    MenuItem(
        _("Referrals"),
        "referrals:list",
        REGISTRY_ROLES | {Role.AGENCY_OFFICER, Role.COORDINATOR},
        _("Referrals to programmes and agencies, and their answers."),
    ),
    MenuItem(
        _("Decisions"),
        "referrals:decisions",
        frozenset({Role.SUPERVISOR, Role.COORDINATOR}),
        _("Referrals waiting for your decision (penetapan) before they are sent."),
    ),
    MenuItem(
        _("Letters"),
        "letters:list",
        REGISTRY_ROLES,
        _(
            "The letter register: registry letters, recommendations and referral letters, "
            "drafted by the desk and issued by the head of office."
        ),
    ),
    MenuItem(
        _("Visits"),
        "visits:queue",
        frozenset({Role.FACILITATOR, Role.BACK_OFFICE, Role.SUPERVISOR}),
        _("Home visits: those assigned to you, or the area's queue of visits due."),
    ),
    MenuItem(
        _("DTSEN proposals"),
        "proposals:list",
        REGISTRY_ROLES | {Role.VILLAGE_OPERATOR, Role.FACILITATOR},
        _("Proposals to the national registry: new households and members, corrections, exits."),
        DTSEN,
    ),
    # the villages' monthly batches of proposals
    MenuItem(
        _("Proposal batches"),
        "proposals:batch_list",
        REGISTRY_ROLES | {Role.VILLAGE_OPERATOR},
        _(
            "Each village's proposals of the month: the days left to enter them, the berita "
            "acara, approval by the head of office and the BNBA."
        ),
        DTSEN,
    ),
    MenuItem(
        _("Objections"),
        "proposals:objection_list",
        REGISTRY_ROLES | {Role.VILLAGE_OPERATOR},
        _("Residents' objections to a named recipient: the home visit, the deadline, the outcome."),
        DTSEN,
    ),
    MenuItem(
        _("Proposals to follow up"),
        "proposals:follow_up",
        frozenset({Role.SUPERVISOR, Role.BACK_OFFICE}),
        _("Sent proposals the registry has not answered after two monthly extracts."),
        DTSEN,
    ),
    MenuItem(
        _("Duplicates"),
        "households:duplicates",
        REGISTRY_ROLES,
        _("Compare people registered twice and decide whether they are one person."),
    ),
    MenuItem(
        _("Dashboard"),
        "reports:dashboard",
        SUPERVISING_ROLES,
        _("Complaints received and handled, referrals by programme, what is late, by month."),
        SUPERVISION,
    ),
    MenuItem(
        _("Screening"),
        "programs:screening",
        SUPERVISING_ROLES,
        _("Find the households a programme misses, and those it serves that no longer fit."),
        SUPERVISION,
    ),
    MenuItem(
        _("Registry import"),
        "households:imports",
        SUPERVISING_ROLES,
        _("Load an extract of the national registry (DTKS/DTSEN) into your area."),
        SUPERVISION,
    ),
    MenuItem(
        _("Transfers"),
        "households:transfers",
        frozenset({Role.SUPERVISOR}),
        _("People moving in from another household of your area: approve or refuse."),
        SUPERVISION,
    ),
    MenuItem(
        _("Access log"),
        "accounts:access_log",
        SUPERVISING_ROLES,
        _("Who saw, searched or exported personal data, when, and for what purpose."),
        SUPERVISION,
    ),
    MenuItem(
        _("Administration"),
        "admin:index",
        SUPERVISING_ROLES,
        _("Users and their working areas, agencies, regions and the change history."),
        SUPERVISION,
    ),
]


# What the home page tells the roles whose work is not yet all in the menu, or needs saying
# first: what they do here today.
HOME_GUIDANCE = {
    Role.FACILITATOR: [
        _(
            "You do the home visits assigned to you, on your phone: each visit says which "
            "household, why, and by when."
        ),
        _(
            "You may read the households of your working area, their members and their home, "
            "to prepare a visit. You cannot change them: what you observe goes in the visit, "
            "and the back office decides what the registry takes from it."
        ),
    ],
    Role.COORDINATOR: [
        _(
            "You decide the referrals of your working area whose programme needs a decision "
            "(penetapan) before they are sent: approve them, or return them to the sender "
            "with a note. Those you prepared or submitted yourself are decided by another."
        ),
    ],
    Role.VILLAGE_OPERATOR: [
        _(
            "You enter your village's proposals to the national social registry (DTSEN): "
            "new households and members, corrections and exits, and residents' objections, "
            "with the village's documents such as the minutes of the village deliberation."
        ),
        _(
            "You read the households of your village and who lives in them; nothing outside "
            "the village."
        ),
    ],
}


def home_guidance_for(user: AbstractBaseUser | AnonymousUser) -> list[str | Promise]:
    """The paragraphs the home page shows `user` about their work, by role."""
    roles = user_roles(user)
    return [text for role, texts in HOME_GUIDANCE.items() if role in roles for text in texts]


def menu_for(user: AbstractBaseUser | AnonymousUser, current_path: str = "") -> list[dict]:
    """The menu items `user` may open, each with its URL and whether it is the current page."""
    roles = user_roles(user)
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": False,
         "description": item.description, "group": item.group}
        for item in MENU
        if not roles.isdisjoint(item.roles)
    ]  # fmt: skip
    # The current page is the item with the longest address it starts with (the registry
    # import's /households/imports/ rather than the households' /households/).
    current = [item for item in items if _is_within(current_path, item["url"])]
    if current:
        max(current, key=lambda item: len(item["url"]))["active"] = True
    return items


def _is_within(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))
