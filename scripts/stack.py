"""`make stack` helpers: ``prepare`` (a secret key of the stack's own, its database,
migrations, static files and the demo) and ``nginx`` (render the shared server block under
deploy/nginx/ into a configuration of the stack's own and run nginx in the foreground).
Everything the stack writes stays in .stack/ (or the directory STACK_DIR names)."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
STACK_DIR = Path(os.environ.get("STACK_DIR", ROOT / ".stack"))
TEMPLATE = ROOT / "deploy" / "nginx" / "imprimatur.conf.template"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

MAIN_CONFIG = """\
# Rendered by scripts/stack.py: nginx as an ordinary foreground process of `make stack`.
daemon off;
worker_processes 1;
pid $stack/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log /dev/stdout;
    client_body_temp_path $stack/client_body;
    proxy_temp_path $stack/proxy;
    fastcgi_temp_path $stack/fastcgi;
    uwsgi_temp_path $stack/uwsgi;
    scgi_temp_path $stack/scgi;
    include $stack/imprimatur.conf;
}
"""


def secret_key():
    path = STACK_DIR / "secret_key"
    if not path.exists():
        STACK_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def signing_key():
    """The path of the stack's own Ed25519 key for review records (made on first use):
    production refuses to start without SIGNING_KEY_FILE."""
    path = STACK_DIR / "signing-key.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        STACK_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.chmod(0o600)
    return str(path)


def manage(*args, settings="config.settings.production"):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare():
    """Create the stack's database if missing, migrate, collect static files, load the demo
    (through the development settings: the demo app does not exist in production)."""
    os.environ.setdefault("SECRET_KEY", secret_key())
    os.environ.setdefault("SIGNING_KEY_FILE", signing_key())
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--no-input")
    manage("collectstatic", "--no-input", "-v", "0")
    manage("seed_demo", settings="config.settings.development")


def nginx():
    """Render the configuration and replace this process with nginx (honcho stops it)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        sys.exit("nginx is not installed: apt-get install nginx-light (see README)")
    for name in TEMP_DIRS:
        (STACK_DIR / name).mkdir(parents=True, exist_ok=True)
        (STACK_DIR / name).chmod(0o777)  # nginx's workers may run as another user
    values = {
        "NGINX_PORT": os.environ["NGINX_PORT"],
        "APP_UPSTREAM": os.environ["APP_UPSTREAM"],
        "stack": str(STACK_DIR),
    }
    server = Template(TEMPLATE.read_text()).safe_substitute(values)
    (STACK_DIR / "imprimatur.conf").write_text(server)
    main = STACK_DIR / "nginx.conf"
    main.write_text(Template(MAIN_CONFIG).substitute(values))
    os.execv(binary, [binary, "-c", str(main), "-p", str(STACK_DIR)])


if __name__ == "__main__":
    {
        "prepare": prepare,
        "nginx": nginx,
        "secret-key": lambda: print(secret_key()),
        "signing-key": lambda: print(signing_key()),
    }[sys.argv[1]]()
