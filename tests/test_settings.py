import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_broker():
    """Without REDIS_URL tasks would run in-process with no beat: no reminder, no
    escalation, no scheduled re-review would ever happen, silently."""
    result = _manage("check", SECRET_KEY=secrets.token_urlsafe(50), REDIS_URL="")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_production_refuses_to_start_without_a_signing_key(tmp_path):
    """Every approval is signed in its transaction: without the key none could happen."""
    secret = secrets.token_urlsafe(50)
    unset = _manage("check", SECRET_KEY=secret, SIGNING_KEY_FILE="")
    missing = _manage("check", SECRET_KEY=secret, SIGNING_KEY_FILE=str(tmp_path / "none.pem"))
    for result in (unset, missing):
        assert result.returncode != 0
        assert "SIGNING_KEY_FILE" in result.stderr


def test_celery_defaults_to_the_same_settings_as_wsgi(key_file):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    chosen = []
    for module in ("config.celery", "config.wsgi"):
        code = f"import os, {module}; print(os.environ['DJANGO_SETTINGS_MODULE'])"
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={
                **environment,
                "SECRET_KEY": "x",
                "REDIS_URL": "redis://127.0.0.1:6379/13",
                "SIGNING_KEY_FILE": key_file,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        chosen.append(result.stdout.strip())
    assert chosen == ["config.settings.production", "config.settings.production"]


def test_the_image_runs_with_production_settings():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in dockerfile


def test_production_settings_pass_the_deploy_checklist(key_file):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        SIGNING_KEY_FILE=key_file,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
