"""The audit log is append-only in the database itself: UPDATE, DELETE and TRUNCATE are
refused by a trigger on PostgreSQL, UPDATE and DELETE on SQLite (which has no TRUNCATE)."""

from django.db import migrations

POSTGRES_SQL = """
CREATE OR REPLACE FUNCTION imprimatur_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_no_update_delete
    BEFORE UPDATE OR DELETE ON editorial_auditentry
    FOR EACH ROW EXECUTE FUNCTION imprimatur_audit_append_only();

CREATE TRIGGER audit_no_truncate
    BEFORE TRUNCATE ON editorial_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION imprimatur_audit_append_only();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS audit_no_truncate ON editorial_auditentry;
DROP TRIGGER IF EXISTS audit_no_update_delete ON editorial_auditentry;
DROP FUNCTION IF EXISTS imprimatur_audit_append_only();
"""

SQLITE_SQL = [
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON editorial_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON editorial_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (DELETE refused)'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_delete;",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_SQL, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_SQL:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
