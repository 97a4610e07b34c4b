"""Finding 3 of issue 13: two anonymous connections announcing a 1 MB body and sending 22
bytes held both of gunicorn's sync workers, and ``GET /`` waited 33.6 s. ``make stack`` puts
nginx in front (deploy/nginx/, shared with docker-compose), which reads every request body
before gunicorn sees it: here 50 such connections leave the home page answering within 1 s.
The test runs the Procfile's nginx and web processes under honcho, on loopback, against
this test's database, and stops them."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from tests.realservices import ROOT, free_port, manage_env, wait_for

SLOW_CONNECTIONS = 50


def _get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status


def _answers(url):
    try:
        return _get(url, timeout=2) == 200
    except OSError:
        return False


@pytest.fixture
def stack(transactional_db, tmp_path, key_file):
    port, app_port = free_port(), free_port()
    env = manage_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="stack-test-only-" + "x" * 40,
        SIGNING_KEY_FILE=key_file,
        REDIS_URL=settings.REDIS_URL,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        TRUSTED_PROXY_COUNT="1",
        NGINX_PORT=str(port),
        APP_UPSTREAM=f"127.0.0.1:{app_port}",
        STACK_APP_PORT=str(app_port),
        STACK_DIR=str(tmp_path),
    )
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    honcho = os.path.join(os.path.dirname(sys.executable), "honcho")
    process = subprocess.Popen(
        [honcho, "-f", "Procfile", "start", "nginx", "web"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: _answers(url), timeout=30), "the stack did not start"
        yield url, port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _slow_upload(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 1000000\r\n\r\n" + b"username=a&password=b&x=y"[:22]
    )
    return sock


@pytest.mark.services
def test_fifty_slow_uploads_through_the_stack_leave_the_home_page_answering(stack):
    url, port = stack
    sockets = [_slow_upload(port) for _ in range(SLOW_CONNECTIONS)]
    try:
        time.sleep(0.5)  # let every slow request settle where it waits
        timings = []
        for _ in range(3):
            started = time.monotonic()
            assert _get(url, timeout=5) == 200
            timings.append(time.monotonic() - started)
        assert max(timings) <= 1.0, timings
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.services
def test_the_stack_serves_through_nginx_with_the_security_policy(stack):
    url, _ = stack
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers["Server"].startswith("nginx")
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_docker_compose_puts_the_same_nginx_in_front_of_gunicorn():
    compose = (ROOT / "docker-compose.yml").read_text()
    web = compose[compose.index("\n  web:") : compose.index("\n  nginx:")]
    nginx = compose[compose.index("\n  nginx:") : compose.index("\n  worker:")]
    assert "./deploy/nginx/imprimatur.conf.template:/etc/nginx/templates/" in nginx
    assert '"8000:8000"' in nginx
    assert "ports:" not in web  # gunicorn is reached only through nginx
