import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_check_is_clean_under_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 30 + "9f$Kq!uZ2@pL7#wN4^rT6&yB1*mC3",
        ALLOWED_HOSTS="case.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_health_check_answers_without_login_and_names_each_dependency(client):
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_health_check_says_storage_is_down_without_writing_to_it(client, settings, tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    assert client.get(reverse("healthz")).status_code == 200
    assert media.is_dir() and not any(media.iterdir())  # made as a first upload would; no probe

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the report folder should be")
    settings.MEDIA_ROOT = str(blocked)
    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    checks = health.json()["checks"]
    assert checks["storage"] == {"ok": False, "error": "FileExistsError"}
    assert checks["database"]["ok"] and checks["broker"]["ok"]


@pytest.mark.django_db
def test_missing_page_gets_the_friendly_404(client, examiner):
    client.force_login(examiner)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"not shared with your office" in response.content
    assert b"Back to the home page" in response.content
