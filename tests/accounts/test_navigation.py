"""The menu bar: each role's pages, the supervisors' tools in one drop-down so that the bar
fits a laptop's width, and the current page marked."""

import pytest
from django.urls import reverse

from accounts.navigation import menu_for
from tests.factories import staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


def test_supervisors_find_their_tools_in_one_drop_down(as_user):
    page = as_user(staff_user("supervisor")).get(reverse("households:imports")).content.decode()

    menu = page[page.index('<ul class="navbar-nav me-auto">') :]
    toggle = menu.index(">Supervisi<")
    drop_down = menu[menu.rindex("dropdown-toggle", 0, toggle) : menu.index("</ul>", toggle)]
    for url in ("reports:dashboard", "programs:screening", "households:imports", "admin:index"):
        assert f'href="{reverse(url)}"' in drop_down
    assert 'dropdown-toggle active"' in drop_down  # the import is the current page


def test_front_office_has_no_supervision_menu(as_user):
    page = as_user(staff_user("front_office")).get(reverse("households:search")).content.decode()

    assert "Supervisi" not in page
    assert reverse("households:imports") not in page


def test_the_current_page_is_the_longest_matching_address():
    supervisor = staff_user("supervisor")

    active = [
        item["url"] for item in menu_for(supervisor, "/households/imports/3/") if item["active"]
    ]

    assert active == [reverse("households:imports")]  # not /households/ too


def test_the_registry_cycle_is_one_drop_down(as_user):
    page = as_user(staff_user("back_office")).get(reverse("home")).content.decode()
    menu = page[page.index('<ul class="navbar-nav me-auto">') :]
    toggle = menu.index(">DTSEN<")
    drop_down = menu[menu.rindex("dropdown-toggle", 0, toggle) : menu.index("</ul>", toggle)]
    for url in ("proposals:list", "proposals:batch_list", "proposals:objection_list",
                "proposals:follow_up"):  # fmt: skip
        assert f'href="{reverse(url)}"' in drop_down
