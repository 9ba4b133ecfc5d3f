from tests.letters.conftest import head_of_office, kinds, registered  # noqa: F401  (fixtures)
