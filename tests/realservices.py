"""Fixtures that start real servers: an SMTP server (aiosmtpd), a Celery worker on real
Redis, and a Redis server of the test's own. Each stops what it started."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port. ``server.messages`` holds the envelopes
    received (``mail_from``, ``rcpt_tos``, ``content``)."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real Celery worker (celery.contrib.testing.worker) consuming from the real Redis
    broker in a thread of this process. Tasks published while it runs are not eager."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.conf.task_always_eager = previous


@pytest.fixture
def own_redis():
    """A Redis server of this test's own on a free port, which the test may stop and start
    (``own_redis.stop()`` / ``own_redis.start()``) without touching the shared one."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")

    class OwnRedis:
        port = free_port()
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if not wait_for(lambda: _accepts(self.port), timeout=10):
                raise RuntimeError("own Redis did not start")

        def stop(self):
            if self.process is not None:
                self.process.terminate()
                self.process.wait(timeout=10)
                self.process = None

    server = OwnRedis()
    server.start()
    yield server
    server.stop()


def _accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def manage_env(**overrides):
    """Environment for a subprocess that must use this test's database (committed data
    only: use it from transactional tests)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }
    env.update(overrides)
    return env


def run_python(code, *, env, timeout=60):
    """Run ``code`` in a fresh Python with Django set up; returns the CompletedProcess."""
    prelude = "import django; django.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_worker_process(env):
    """A Celery worker in a process of its own (which a test may kill), consuming from the
    broker named by ``env``."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
