"""An administrator's save of a user's page revokes the user's API token when it changes
what the token reaches (their working area, through the profile on the same page), and
not when it changes only a name."""

from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.authentication import issue_token
from accounts.roles import Role
from tests.factories import staff_user


def page_form(client, user) -> dict:
    """What the user's admin page posts back as it was shown."""
    response = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    context = response.context
    data = {}
    form = context["adminform"].form
    for name, field in form.fields.items():
        if name in form.initial and not field.disabled:
            value = form.initial[name]
            if isinstance(value, list | tuple):
                value = [getattr(item, "pk", item) for item in value]
            data[name] = "on" if value is True else ("" if value in (False, None) else value)
    data = {key: value for key, value in data.items() if value != ""}
    for name in ("date_joined", "last_login"):  # shown as a date and a time
        value = data.pop(name, None)
        if value is not None:
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                value = sub.initial.get(name)
                if name == "id":
                    value = sub.instance.pk
                elif name == formset.fk.name:
                    value = formset.instance.pk
                if value is not None:
                    data[sub.add_prefix(name)] = getattr(value, "pk", value)
    return data


def test_renaming_a_user_keeps_their_token(kota_bima, as_user):
    admin = staff_user(Role.ADMIN, scope="52.72", is_staff=True)
    officer = staff_user(Role.FRONT_OFFICE, scope="52.72.01")
    token = issue_token(officer, verified_with_otp=False)
    client = as_user(admin)

    data = page_form(client, officer)
    response = client.post(
        reverse("admin:auth_user_change", args=[officer.pk]), {**data, "first_name": "Siti"}
    )

    officer.refresh_from_db()
    assert response.status_code == 302
    assert officer.first_name == "Siti"
    assert Token.objects.filter(pk=token.pk).exists()


def test_moving_a_user_to_another_district_on_their_page_revokes_their_token(kota_bima, as_user):
    admin = staff_user(Role.ADMIN, scope="52.72", is_staff=True)
    officer = staff_user(Role.FRONT_OFFICE, scope="52.72.01")
    token = issue_token(officer, verified_with_otp=False)
    client = as_user(admin)

    data = page_form(client, officer)
    scope_key = next(key for key in data if key.endswith("-0-scope"))
    response = client.post(
        reverse("admin:auth_user_change", args=[officer.pk]), {**data, scope_key: "52.72.02"}
    )

    officer.staff_profile.refresh_from_db()
    assert response.status_code == 302
    assert officer.staff_profile.scope_id == "52.72.02"
    assert not Token.objects.filter(pk=token.pk).exists()
