from django import template

register = template.Library()


@register.filter
def staff_name(user) -> str:
    """A staff user's full name, else the username; empty for no user."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
