import pytest
from django.core.management import call_command

from offices.models import Office, User

pytestmark = pytest.mark.django_db


def test_demo_creates_offices_and_logins_and_a_second_run_changes_nothing(client, capsys):
    call_command("load_demo")
    capsys.readouterr()
    codes = set(Office.objects.values_list("code", flat=True))
    assert codes >= {"AU", "CA", "GB", "US", "EP", "JP", "KR", "CN", "IL", "NZ", "SG", "IN", "BR"}
    assert User.objects.get(email="admin@br.demo").role == "office_admin"
    assert User.objects.get(email="operator@case.demo").is_operator
    snapshot = list(User.objects.order_by("pk").values("pk", "password", "role", "office"))
    call_command("load_demo")
    assert "offices: 0 change(s)" in capsys.readouterr().out
    assert list(User.objects.order_by("pk").values("pk", "password", "role", "office")) == snapshot
    response = client.post(
        "/accounts/login/", {"login": "examiner@au.demo", "password": "case-demo-2026"}
    )
    assert response.status_code == 302
