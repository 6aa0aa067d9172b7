"""Factories for accounts: a user of a given role, who can log in with `PASSWORD`."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User

PASSWORD = "mot-de-passe-de-test-1"


class UserFactory(DjangoModelFactory):
    """A mediator by default; `UserFactory(role=Role.DIRECTOR)` for another role, `admin=True` for a superuser."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    role = Role.MEDIATOR
    password = factory.django.Password(PASSWORD)
