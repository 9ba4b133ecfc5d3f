"""Passwords are hashed with Argon2id at the office's parameters (tests elsewhere use a fast
hasher): a new password at them, an older hash made again at them on the next sign-in, and a
startup error for parameters below OWASP's minimum."""

import argon2
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.core.checks import run_checks

from accounts.hashers import meets_owasp

OFFICE = ["accounts.hashers.OfficeArgon2PasswordHasher"]


def parameters_of(encoded: str) -> tuple[int, int, int]:
    found = argon2.extract_parameters("$" + encoded.split("$", 1)[1])
    return found.memory_cost, found.time_cost, found.parallelism


def test_a_new_password_is_hashed_at_the_office_s_parameters(settings):
    settings.PASSWORD_HASHERS = OFFICE
    settings.SLRT_ARGON2_MEMORY_KIB, settings.SLRT_ARGON2_TIME_COST = 19456, 3
    settings.SLRT_ARGON2_PARALLELISM = 1

    encoded = make_password("kata-sandi-kantor-2026")

    assert encoded.startswith("argon2$argon2id$")
    assert parameters_of(encoded) == (19456, 3, 1)
    assert check_password("kata-sandi-kantor-2026", encoded)


def test_a_hash_of_django_s_parameters_is_made_again_at_the_office_s_on_sign_in(settings):
    settings.PASSWORD_HASHERS = OFFICE
    older = Argon2PasswordHasher().encode("kata-sandi-lama-2026", Argon2PasswordHasher().salt())
    assert parameters_of(older) == (102400, 2, 8)
    remade = []

    assert check_password("kata-sandi-lama-2026", older, setter=remade.append)

    assert remade == ["kata-sandi-lama-2026"]  # hashed again (User.set_password) at:
    assert parameters_of(make_password(remade[0])) == (19456, 3, 1)


@pytest.mark.parametrize(
    ("memory", "passes", "lanes", "meets"),
    [(19456, 2, 1, True), (12288, 3, 1, True), (47104, 1, 1, True), (19456, 1, 1, False),
     (8192, 3, 1, False), (19456, 3, 0, False)],
)  # fmt: skip
def test_parameters_below_owasp_s_minimum_stop_the_server_at_startup(
    settings, memory, passes, lanes, meets
):
    settings.SLRT_ARGON2_MEMORY_KIB, settings.SLRT_ARGON2_TIME_COST = memory, passes
    settings.SLRT_ARGON2_PARALLELISM = lanes
    errors = [message for message in run_checks() if message.id == "accounts.E001"]
    assert meets_owasp(memory, passes, lanes) is meets
    assert bool(errors) is not meets
