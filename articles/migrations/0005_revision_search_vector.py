"""Full-text search over revisions, kept by PostgreSQL itself (SQLite searches by substring).

``articles_revision.search_vector`` holds each revision's words, weighted title (A) over
summary (B) over body (C) over the plain-language version (D), and a GIN index covers it.
A trigger computes it on every insert and on every update of the text, so ranking reads
stored vectors instead of parsing every matching article's text per search. The column is
the database's, not the model's: Django never loads it (``articles.selectors`` queries it).
Submitted revisions never change, so their vectors are computed once; the backfill below
is the one write to them, with the immutability trigger paused inside this transaction.
"""

from django.db import migrations

VECTOR = """
    setweight(to_tsvector('english', COALESCE({row}title, '')), 'A')
    || setweight(to_tsvector('english', COALESCE({row}summary, '')), 'B')
    || setweight(to_tsvector('english', COALESCE({row}body, '')), 'C')
    || setweight(to_tsvector('english', COALESCE({row}patient_body, '')), 'D')
"""

POSTGRES_SQL = f"""
ALTER TABLE articles_revision ADD COLUMN search_vector tsvector;

CREATE OR REPLACE FUNCTION imprimatur_revision_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := {VECTOR.format(row="NEW.")};
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER revision_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, body, patient_body ON articles_revision
    FOR EACH ROW EXECUTE FUNCTION imprimatur_revision_search_vector();

ALTER TABLE articles_revision DISABLE TRIGGER revision_immutable;
UPDATE articles_revision SET search_vector = {VECTOR.format(row="")};
ALTER TABLE articles_revision ENABLE TRIGGER revision_immutable;

CREATE INDEX revision_search_idx ON articles_revision USING gin (search_vector);
"""

POSTGRES_REVERSE = """
DROP INDEX IF EXISTS revision_search_idx;
DROP TRIGGER IF EXISTS revision_search_vector ON articles_revision;
DROP FUNCTION IF EXISTS imprimatur_revision_search_vector();
ALTER TABLE articles_revision DROP COLUMN IF EXISTS search_vector;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_SQL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_feedback")]

    operations = [migrations.RunPython(install, uninstall)]
