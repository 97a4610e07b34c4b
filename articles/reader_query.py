"""The uncached reader page's rows in one round trip (PostgreSQL).

``selectors.reader_article`` plus the page's references, related questions and review
history cost four queries, and most of their time was Django compiling them (the
article's query, with its author-name subqueries, took longer to compile than to run).
Here the same rows come from one statement whose SQL is built once per process from the
models' own column lists, so nothing is compiled per request: the article, its topic,
published revision and stored HTML as columns, and the rest as JSON built by PostgreSQL
(the references only when the stored HTML, which has them, must be rendered again).
Each row becomes the model instance the ORM would have made (``Model.from_db``, every
value through its field's ``to_python``), so templates and ``reader_context`` see no
difference; tests/articles/test_reader_query.py compares the two paths.

For an article with nothing published the caller finds the revision in review itself;
on SQLite (development) it takes the ORM's path (``selectors.reader_article``)."""

import functools
import json
from collections import namedtuple

import psycopg
from django.contrib.auth import get_user_model
from django.db import connection, models

from articles.models import (
    Article,
    Reference,
    RelatedQuestion,
    RenderedRevision,
    ReviewRecord,
    Revision,
    Topic,
)
from articles.rendering import RENDERER_VERSION
from articles.selectors import RELATED_LIMIT

PARTS = (Article, Topic, Revision, RenderedRevision)
ALIASES = ("a", "t", "r", "rh")


def _columns(model, alias):
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def _name(alias):
    # Django's Trim(Concat(first_name, " ", last_name)), as selectors._with_author_names.
    return f"TRIM(COALESCE({alias}.first_name, '') || ' ' || COALESCE({alias}.last_name, ''))"


@functools.cache
def _statement():
    user = get_user_model()._meta.db_table
    authors = Article.authors.through._meta.db_table
    name = _name("u")
    author_rows = (
        f"FROM {user} u JOIN {authors} aa ON aa.user_id = u.id "
        f"WHERE aa.article_id = a.id AND {name} <> ''"
    )
    related_table = RelatedQuestion._meta.db_table
    return f"""
SELECT {", ".join(_columns(model, alias) for model, alias in zip(PARTS, ALIASES, strict=True))},
  ARRAY(SELECT {name} {author_rows} ORDER BY u.id),
  (SELECT COALESCE(json_agg(json_build_object('name', {name}, 'orcid', p.orcid)
      ORDER BY u.id), '[]')::text
   {author_rows.replace("WHERE", "JOIN articles_authorprofile p ON p.user_id = u.id WHERE")}
     AND p.orcid IS NOT NULL AND p.orcid <> ''),
  CASE WHEN rh.renderer_version IS DISTINCT FROM {RENDERER_VERSION} THEN
    (SELECT COALESCE(json_agg(x ORDER BY x.position), '[]')::text
     FROM {Reference._meta.db_table} x WHERE x.revision_id = r.id) END,
  (SELECT COALESCE(json_agg(q ORDER BY q.rank), '[]')::text FROM (
     SELECT o.id AS pk, o.slug, orv.title, c.position AS curated_position,
       row_number() OVER (ORDER BY c.position ASC NULLS LAST, o.last_reviewed_at DESC,
                          o.slug ASC) AS rank
     FROM articles_article o
     JOIN articles_revision orv ON orv.id = o.published_revision_id
     LEFT JOIN LATERAL (SELECT rq.position FROM {related_table} rq
                        WHERE rq.article_id = a.id AND rq.related_id = o.id
                        LIMIT 1) c ON true
     WHERE o.published_revision_id IS NOT NULL AND o.id <> a.id
       AND (o.topic_id = a.topic_id OR o.id IN (
            SELECT rq.related_id FROM {related_table} rq WHERE rq.article_id = a.id))
     ORDER BY rank LIMIT {RELATED_LIMIT}) q),
  (SELECT COALESCE(json_agg(h ORDER BY h.approved_at DESC, h.id DESC), '[]')::text FROM (
     SELECT rr.*, rv.number AS revision_number
     FROM {ReviewRecord._meta.db_table} rr
     JOIN articles_revision rv ON rv.id = rr.revision_id
     WHERE rr.article_id = a.id) h)
FROM articles_article a
JOIN articles_topic t ON t.id = a.topic_id
LEFT JOIN articles_revision r ON r.id = a.published_revision_id
LEFT JOIN articles_renderedrevision rh ON rh.revision_id = r.id
WHERE a.slug = %s"""


def _from_row(model, values):
    """A model instance from its columns, as the ORM makes it (``from_db``), after each
    database value went through its field's converters."""
    attnames, converters = _row_columns(model)
    converted = list(values)
    for index, field_converters in converters:
        value = converted[index]
        for converter, field in field_converters:
            value = converter(value, field, connection)
        converted[index] = value
    return model.from_db(connection.alias, attnames, converted)


@functools.cache
def _row_columns(model):
    """The attribute names of ``model``'s columns, and (index, [(converter, field)]) for
    each column whose value is converted (the same backend all along: PostgreSQL)."""
    fields = model._meta.concrete_fields
    converters = [
        (index, [(converter, field) for converter in field.get_db_converters(connection)])
        for index, field in enumerate(fields)
        if field.get_db_converters(connection)
    ]
    return [field.attname for field in fields], converters


# JSON gives these fields' values as the ORM would (text, numbers, booleans, JSON):
# ``to_python`` would return them unchanged. Every other field (dates and times as ISO
# text, decimals, UUIDs) goes through its ``to_python``.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.JSONField,
    models.ForeignKey,
)


@functools.cache
def _json_columns(model):
    fields = model._meta.concrete_fields
    converters = [
        None if isinstance(field, _AS_IS) and not field.choices else field.to_python
        for field in fields
    ]
    return [f.attname for f in fields], list(
        zip([f.column for f in fields], converters, strict=True)
    )


def _from_json(model, data):
    """A model instance from ``row_to_json``'s object (dates as ISO text)."""
    attnames, columns = _json_columns(model)
    values = [
        data[column] if convert is None else convert(data[column]) for column, convert in columns
    ]
    return model.from_db(connection.alias, attnames, values)


class _PreparingCursor(psycopg.Cursor):
    """Binds parameters on the server and prepares every statement it runs: psycopg keeps
    the prepared statement on its connection (and forgets it with the connection), so
    PostgreSQL plans the reader page's statement once per connection instead of on every
    request (planning took longer than running it)."""

    def execute(self, query, params=None, **options):
        return super().execute(query, params, prepare=True, **options)


def _prepared_cursor():
    """A ``_PreparingCursor`` wrapped like Django's own cursors: logged and counted
    (``django_assert_num_queries``, debug)."""
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


PageRows = namedtuple("PageRows", "article references related history")


def page_rows(slug):
    """The reader page's rows for ``slug`` in one query, or None where this cannot run
    (not PostgreSQL). ``PageRows.article`` is None if there is no such article; it
    carries its topic, published revision (with its stored HTML, if any) and author names
    like ``selectors.reader_article``. For a published article ``related`` and ``history``
    are what the page needs (as ``selectors.related_questions`` and
    ``selectors.review_history`` return them), and ``references`` the revision's
    references only if its stored HTML is missing or from another renderer version (the
    page renders it from them; else None: the stored HTML has them). For an article with
    nothing published all three are None."""
    if connection.vendor != "postgresql":
        return None
    with _prepared_cursor() as cursor:
        cursor.execute(_statement(), [slug])
        row = cursor.fetchone()
    if row is None:
        return PageRows(None, None, None, None)
    parts, start = [], 0
    for model in PARTS:
        width = len(model._meta.concrete_fields)
        parts.append(row[start : start + width])
        start += width
    names, orcids, references, related, history = row[start:]
    article = _from_row(Article, parts[0])
    Article.topic.field.set_cached_value(article, _from_row(Topic, parts[1]))
    article.author_names = list(names)
    article.author_orcids = json.loads(orcids)
    if article.published_revision_id is None:
        return PageRows(article, None, None, None)
    revision = _from_row(Revision, parts[2])
    Article.published_revision.field.set_cached_value(article, revision)
    rendered = None
    if parts[3][0] is not None:  # stored HTML (else rendered and stored on first read)
        rendered = _from_row(RenderedRevision, parts[3])
        RenderedRevision.revision.field.set_cached_value(rendered, revision)
    Revision.rendered.related.set_cached_value(revision, rendered)
    if references is not None:  # the stored HTML is missing or outdated: render it
        references = [_from_json(Reference, data) for data in json.loads(references)]
        revision._prefetched_objects_cache = {"references": references}
    records = []
    for data in json.loads(history):
        record = _from_json(ReviewRecord, data)
        record.revision_number = data["revision_number"]
        records.append(record)
    related = [
        {key: data[key] for key in ("pk", "slug", "title", "curated_position")}
        for data in json.loads(related)
    ]
    return PageRows(article, references, related, records)
