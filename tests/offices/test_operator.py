import pytest
from django.urls import reverse

from offices.models import Office
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(
        office=None, is_operator=True, is_staff=True, is_superuser=True, email="operator@case.test"
    )


def test_operator_creates_an_office_in_the_django_admin(client, operator):
    client.force_login(operator)
    response = client.post(
        "/ops/offices/office/add/",
        {
            "code": "MX",
            "name": "Instituto Mexicano de la Propiedad Industrial",
            "accesses": "on",
            "provides": "on",
            "contact_email": "case@impi.test",
            "is_active": "on",
            "shares_with_all": "on",
            "package_lead_days": "14",
            "worklist_date_order": "ask",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Office.objects.get(code="MX").provides


def test_office_code_must_be_two_capital_letters(client, operator):
    client.force_login(operator)
    response = client.post(
        "/ops/offices/office/add/", {"code": "mex", "name": "Bad", "package_lead_days": "14"}
    )
    assert response.status_code == 200
    assert not Office.objects.filter(name="Bad").exists()


def test_office_admins_and_examiners_cannot_reach_the_operations_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/ops/")
    assert response.status_code == 302 and "/ops/login/" in response["Location"]


def test_the_admin_login_goes_through_the_portal_login_with_its_mfa_step(client):
    response = client.get("/ops/login/?next=/ops/offices/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fops%2Foffices%2F"
    assert client.get("/ops/login/?next=https://evil.test/")["Location"].endswith("%2Fops%2F")


def test_a_signed_in_operator_with_a_next_that_is_no_path_goes_to_the_ops_home(client, operator):
    client.force_login(operator)
    for word in ("abc", "x y", "<img src=x>"):
        response = client.get("/ops/login/", {"next": word})
        assert response.status_code == 302 and response["Location"] == "/ops/"


def test_operator_without_an_office_sees_the_portal_frame(client, operator):
    client.force_login(operator)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert b"Operator" in page.content and b"Operations" in page.content
