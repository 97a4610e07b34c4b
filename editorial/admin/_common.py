"""What the editorial admins share: the read-only audit trail and outbox fields, and the
mixins for records nobody edits and for objects outside a reviewer's reach."""

import json

from django.contrib.admin.utils import unquote
from django.core.paginator import Paginator
from django.db import connections
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.functional import cached_property

from editorial import selectors
from editorial.audit import verify_entries

NOTIFICATIONS_SHOWN = 50
# Below this many rows (by the planner's estimate) a changelist counts exactly.
ESTIMATE_ABOVE = 20_000
# From this many rows skipped, a page first reads its rows' ids, then the rows by id.
LATE_LOOKUP_FROM = 1_000


def render_audit_trail(article_id):
    """The article's audit trail, newest first, as HTML for a read-only admin field, under
    a line saying whether its entries hold in the hash chain (``audit.verify_entries``:
    one query, not a walk of the whole log)."""
    entries = selectors.article_audit_trail(article_id)
    return render_to_string(
        "admin/editorial/_audit_trail.html",
        {"entries": entries, "chain": verify_entries(entries)},
    )


def render_notifications(*, changelist_filter, **about):
    """The outbox rows about one object, newest first, as HTML for a read-only admin field;
    one query whatever their number."""
    if not any(obj is not None and obj.pk for obj in about.values()):
        return "—"  # an object being added has none
    notifications = selectors.notifications_about(**about, limit=NOTIFICATIONS_SHOWN)
    return render_to_string(
        "admin/editorial/_notifications.html",
        {
            "notifications": notifications,
            "shown": NOTIFICATIONS_SHOWN,
            "changelist_url": reverse("admin:editorial_notification_changelist")
            + f"?{changelist_filter}",
        },
    )


def button_urls(admin_view, model_name, buttons):
    """One admin URL ``<pk>/<name>/`` per button view, named
    ``editorial_<model_name>_<name>``. The views themselves accept only POST: a button
    changes state, so a GET must not."""
    return [
        path(
            f"<int:pk>/{name}/",
            admin_view(view),
            name=f"editorial_{model_name}_{name.replace('-', '_')}",
        )
        for name, view in buttons.items()
    ]


class ReadOnlyAdminMixin:
    """Records nobody edits in the admin (decisions, the audit log, the outbox): those who
    may view them only read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NotificationsFieldMixin:
    """The ``notifications`` field only for those who may read the outbox (the chair): the
    rows name other people's addresses."""

    def _without_notifications(self, request, fields):
        if request.user.has_perm("editorial.view_notification"):
            return fields
        return [name for name in fields if name != "notifications"]

    def get_fields(self, request, obj=None):
        return self._without_notifications(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._without_notifications(request, super().get_readonly_fields(request, obj))


class NotFoundForOthersMixin:
    """An object outside ``get_queryset`` (someone else's work) is 404, not the admin's
    usual redirect to the index."""

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


class EstimatedCountPaginator(Paginator):
    """Django's paginator counts every matching row (``COUNT(*)``), which is what a
    changelist over a million audit entries or notifications spends its time on. Past
    ``ESTIMATE_ABOVE`` rows this one takes PostgreSQL's planner estimate of the same query
    (``EXPLAIN``: no rows read) instead: the page links are right to within the estimate,
    and the last page may be short or empty. Smaller results are counted exactly."""

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[getattr(queryset, "db", "default")]
        if connection.vendor != "postgresql" or not hasattr(queryset, "query"):
            return super().count
        sql, params = queryset.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):  # psycopg parses json columns; other drivers may not
            plan = json.loads(plan)
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        return estimate if estimate >= ESTIMATE_ABOVE else super().count

    def page(self, number):
        """A deep page (``LATE_LOOKUP_FROM`` rows or more before it) is read in two
        queries: the ids of its rows, with the list's filters, ordering and ``OFFSET`` but
        none of its joined columns (so PostgreSQL skips the earlier rows in the ordering's
        index without joining each one to the article, revision, topic and reviewer), then
        those rows by id, with everything the list shows, put back in the ids' order. Page
        500 of every assignment skips 24,950 rows: joining each of them was most of its
        time. Shallower pages keep Django's single query."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        if bottom < LATE_LOOKUP_FROM or not hasattr(queryset, "values_list"):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class LargeTableAdminMixin:
    """Changelists of tables that grow without bound: no exact count past
    ``ESTIMATE_ABOVE`` rows, and no second count of the whole table beside the filtered
    one ("12 results (1,000,000 total)")."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
