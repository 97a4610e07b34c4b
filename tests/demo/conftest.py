import pytest
from django.core.management import call_command
from django.db import connection, transaction


@pytest.fixture(scope="package")
def seeded_demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for every test in this package that asks for it, and rolled
    back after the last of them: Django's ``setUpTestData`` pattern. Each test's own ``db``
    transaction nests in this one as a savepoint, so what a test writes is undone at its
    end and the next test sees the demo as seeded; other packages see an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, verbosity=0)
        # Check the seeded rows' (deferred) foreign keys now: PostgreSQL refuses the ALTER
        # TABLE each test starts with (tests/conftest.py) while such checks are pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield
        transaction.set_rollback(True)
