"""What every benchmark needs first: a PostgreSQL database of its own, migrated, on the
server of ``DATABASE_URL``, with Django set up on the test settings."""

import os
from urllib.parse import urlsplit, urlunsplit


def database_urls(name):
    """(the benchmark's own database, the server's ``postgres`` database)."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imprimatur"))
    return (
        urlunsplit(base._replace(path=f"/{name}")),
        urlunsplit(base._replace(path="/postgres")),
    )


def use_own_database(name, **environment):
    """Create database ``name`` unless it exists, point Django at it (plus any other
    ``environment`` variables), set Django up and migrate."""
    import psycopg

    url, admin_url = database_urls(name)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")
    os.environ.update(
        DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test", **environment
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
