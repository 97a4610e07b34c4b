"""Submitted revisions and their references cannot change, even through raw SQL.

On PostgreSQL a trigger refuses UPDATE/DELETE of a locked revision (except the one UPDATE
that locks it) and any change to references of a locked revision. SQLite (the embedded
development default) relies on the model's checks.
"""

from django.db import migrations

POSTGRES_SQL = """
CREATE OR REPLACE FUNCTION imprimatur_refuse_locked_revision() RETURNS trigger AS $$
BEGIN
    IF OLD.locked_at IS NOT NULL THEN
        RAISE EXCEPTION 'revision % has been submitted and cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER revision_immutable
    BEFORE UPDATE OR DELETE ON articles_revision
    FOR EACH ROW EXECUTE FUNCTION imprimatur_refuse_locked_revision();

CREATE OR REPLACE FUNCTION imprimatur_refuse_locked_reference() RETURNS trigger AS $$
DECLARE
    revision_ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        revision_ids := ARRAY[NEW.revision_id];
    ELSIF TG_OP = 'DELETE' THEN
        revision_ids := ARRAY[OLD.revision_id];
    ELSE
        revision_ids := ARRAY[OLD.revision_id, NEW.revision_id];
    END IF;
    IF EXISTS (SELECT 1 FROM articles_revision
               WHERE id = ANY(revision_ids) AND locked_at IS NOT NULL) THEN
        RAISE EXCEPTION 'references of a submitted revision cannot change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reference_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON articles_reference
    FOR EACH ROW EXECUTE FUNCTION imprimatur_refuse_locked_reference();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS reference_immutable ON articles_reference;
DROP FUNCTION IF EXISTS imprimatur_refuse_locked_reference();
DROP TRIGGER IF EXISTS revision_immutable ON articles_revision;
DROP FUNCTION IF EXISTS imprimatur_refuse_locked_revision();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_SQL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
