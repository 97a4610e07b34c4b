"""The path ``make run`` takes on the embedded default (DESIGN "Interfaces that stay
stable"): SQLite, no Redis. Migrating and seeding work, twice over, and leave an intact
audit chain. Real processes, as a newcomer would run them."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")


@pytest.fixture
def run_manage(tmp_path):
    # The test settings export REDIS_URL and DATABASE_URL into this process's
    # environment; `make run` has neither.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith("CELERY_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    def run(*args):
        result = subprocess.run(
            [sys.executable, MANAGE, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (
            f"manage.py {' '.join(args)} exited {result.returncode}\n{result.stderr[-3000:]}"
        )
        return result

    return run


def count_rows(database, table):
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_migrate_and_seed_twice_then_the_audit_chain_verifies(run_manage, tmp_path):
    database = tmp_path / "db.sqlite3"

    run_manage("migrate", "--no-input")
    again = run_manage("migrate", "--no-input")
    assert "No migrations to apply." in again.stdout

    run_manage("seed_demo")
    seeded = {
        table: count_rows(database, table)
        for table in (
            "auth_user",
            "articles_article",
            "articles_revision",
            "editorial_submission",
            "editorial_auditentry",
        )
    }
    run_manage("seed_demo")
    assert {table: count_rows(database, table) for table in seeded} == seeded, (
        "seed_demo is idempotent"
    )
    assert seeded["articles_article"] > 0
    assert seeded["editorial_auditentry"] > 0

    verified = run_manage("verify_audit")
    assert f"Audit chain intact: {seeded['editorial_auditentry']} entries checked." in (
        verified.stdout
    )
