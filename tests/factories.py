import datetime

import factory
from django.contrib.auth.models import Group, User

from accounts.models import StaffProfile
from accounts.roles import Role
from documents.models import DocumentKind
from households.models import Household, Person
from programs.models import Agency
from regions.models import Region

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.django.Password(PASSWORD)


def staff_user(
    role: Role | None = Role.FRONT_OFFICE,
    scope: str | None = "52.72",
    agency: Agency | None = None,
    **fields,
) -> User:
    """A user with one role and a staff profile scoped to `scope` (None: no scope)."""
    user = UserFactory(**fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.create(user=user, scope_id=scope, agency=agency)
    return user


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Lembaga {n}")
    level = Agency.Level.MUNICIPAL
    region = factory.LazyFunction(lambda: Region.objects.get(code="52.72"))


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    kk_number = factory.Sequence(lambda n: f"527201010120{n:04d}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="52.72.01.1001"))
    address = factory.Faker("street_address", locale="id_ID")
    rt = "001"
    rw = "002"


class PersonFactory(factory.django.DjangoModelFactory):
    """A member; give a NIK that fits `birth_date` and `sex`, or none."""

    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Faker("name", locale="id_ID")
    nik = None
    sex = "M"
    birth_date = datetime.date(1980, 1, 1)
    relationship = "child"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored document of a household (by default owned by the household itself)."""

    class Meta:
        model = "documents.Document"

    kind = factory.LazyFunction(lambda: DocumentKind.objects.get(code="kk"))
    household = factory.SubFactory(HouseholdFactory)
    owner_type = "household"
    owner_id = factory.LazyAttribute(lambda document: document.household.pk)
    file = factory.django.FileField(filename="kk.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "kk.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft proposal of a new household, made by a front-office user of Kota Bima."""

    class Meta:
        model = "proposals.Proposal"

    kind = "new_household"
    household = factory.SubFactory(HouseholdFactory)
    region = factory.LazyAttribute(lambda proposal: proposal.household.region)
    source = "desk"
    created_by = factory.LazyFunction(staff_user)
