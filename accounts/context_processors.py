from django.http import HttpRequest

from accounts.navigation import menu_for
from accounts.roles import SUPERVISING_ROLES, Role, user_roles
from accounts.selectors import staff_profile_of


def navigation(request: HttpRequest) -> dict:
    """The layout's menu, the user's role names and working area, and whether they
    supervise (and so may export lists)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    profile = staff_profile_of(user)
    roles = user_roles(user)
    return {
        "menu": menu_for(user, request.path),
        "role_labels": [Role(role).label for role in sorted(roles)],
        "may_supervise": not roles.isdisjoint(SUPERVISING_ROLES),
        "staff_profile": profile,
    }
