# The referral fixtures (catalogue, an assessed complaint, agency officers) serve reports too.
from tests.referrals.conftest import (  # noqa: F401
    assessed,
    back_office,
    catalogue,
    officer_of,
    poor_household,
)
