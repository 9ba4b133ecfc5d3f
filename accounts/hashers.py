"""Passwords are hashed with Argon2id at parameters sized for the office's server (two
cores), not Django's (100 MiB and eight lanes a hash): `SLRT_ARGON2_MEMORY_KIB`,
`SLRT_ARGON2_TIME_COST` and `SLRT_ARGON2_PARALLELISM`, which Django's startup check keeps at
or above one of OWASP's minimum configurations (Password Storage Cheat Sheet: 19 MiB and two
passes, 12 MiB and three, … with one lane). A hash made at other parameters (Django's
earlier) is made again at these when its owner next signs in."""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.checks import Error, register

# OWASP's minimum configurations of Argon2id, with one lane: (memory in KiB, passes).
OWASP_MINIMUMS = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))


class OfficeArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher (the same `argon2$` hashes) at the office's parameters."""

    @property
    def memory_cost(self) -> int:
        return settings.SLRT_ARGON2_MEMORY_KIB

    @property
    def time_cost(self) -> int:
        return settings.SLRT_ARGON2_TIME_COST

    @property
    def parallelism(self) -> int:
        return settings.SLRT_ARGON2_PARALLELISM


def meets_owasp(memory_kib: int, time_cost: int, parallelism: int) -> bool:
    return parallelism >= 1 and any(
        memory_kib >= memory and time_cost >= passes for memory, passes in OWASP_MINIMUMS
    )


@register()
def argon2_parameters(app_configs, **kwargs) -> list[Error]:
    memory, passes, lanes = (
        settings.SLRT_ARGON2_MEMORY_KIB,
        settings.SLRT_ARGON2_TIME_COST,
        settings.SLRT_ARGON2_PARALLELISM,
    )
    if meets_owasp(memory, passes, lanes):
        return []
    return [
        Error(
            f"SLRT_ARGON2_MEMORY_KIB={memory}, SLRT_ARGON2_TIME_COST={passes}, "
            f"SLRT_ARGON2_PARALLELISM={lanes} are below OWASP's minimum for Argon2id",
            hint="At least 19456 KiB with 2 passes, or 12288 KiB with 3, or 47104 KiB with 1.",
            id="accounts.E001",
        )
    ]
