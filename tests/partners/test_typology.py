"""Issue 15, point 3: the partnership type of seed 002 follows from the records, with an override that says why."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from partners.models import PartnershipType, derive_partnership_type
from tests.clock import TODAY, frozen
from tests.partners.factories import PartnerOrganisationFactory, make_convention

pytestmark = frozen()


@pytest.mark.parametrize(
    ("governing_body", "in_force", "expected"),
    [
        ("", False, PartnershipType.INFORMAL),
        ("", True, PartnershipType.CONVENTION),
        ("Pôle Prévention Réussite de la ville", False, PartnershipType.SINGLE_STEERING),
        ("Groupe associatif ADDAP13", True, PartnershipType.SINGLE_STEERING),
        ("   ", True, PartnershipType.CONVENTION),
    ],
)
def test_derived_type(governing_body, in_force, expected):
    assert derive_partnership_type(governing_body=governing_body, convention_in_force=in_force) == expected


def test_the_type_follows_the_conventions_in_force(world):
    organisation = PartnerOrganisationFactory(name="Centre social Santy")
    assert organisation.partnership_on(TODAY).type == PartnershipType.INFORMAL
    make_convention(world, organisation=organisation, signed_on=None)  # a draft is no convention yet
    assert organisation.partnership_on(TODAY).type == PartnershipType.INFORMAL
    make_convention(world, organisation=organisation, signed_on=date(2026, 3, 1))
    assert organisation.partnership_on(TODAY).label == "Conventionné"
    # Ended without renewal: back to informal.
    assert organisation.partnership_on(date(2027, 6, 1)).type == PartnershipType.CONVENTION  # tacitly renewed
    organisation.conventions.update(tacit_renewal=False)
    assert organisation.partnership_on(date(2027, 6, 1)).type == PartnershipType.INFORMAL
    organisation.governing_body = "Direction commune de la prévention et de la médiation"
    assert organisation.partnership_on(TODAY).type == PartnershipType.SINGLE_STEERING


def test_an_override_wins_and_needs_a_reason(world):
    organisation = PartnerOrganisationFactory(name="Ville de Lyon")
    organisation.partnership_type_override = PartnershipType.SINGLE_STEERING
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.save()
    organisation.partnership_type_override_reason = "Comité de pilotage commun du CLSPD"
    organisation.save()
    partnership = organisation.partnership_on(TODAY)
    assert partnership.label == "Pilotage unique" and partnership.is_overridden
    assert partnership.derived_label == "Informel"
