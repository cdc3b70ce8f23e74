import pytest

from stats.selectors import application_labels

pytestmark = pytest.mark.django_db


def test_statistics_show_applications_by_their_canonical_number(family_world):
    ep = family_world["ep"]
    assert application_labels([ep.pk, 99999999]) == {
        ep.pk: "EP 13844704.0",
        99999999: "Application #99999999",
    }
