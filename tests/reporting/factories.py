"""Factories for reporting. Service projects and their indicators are loaded by a data migration."""

import factory
from factory.django import DjangoModelFactory

from reporting.models import IndicatorTarget, ProjectIndicator


class IndicatorTargetFactory(DjangoModelFactory):
    """A yearly target, by default for the first indicator of the project the migration loaded."""

    class Meta:
        model = IndicatorTarget

    indicator = factory.LazyFunction(lambda: ProjectIndicator.objects.order_by("pk").first())
    year = 2017
    value = 10
