"""The chair's insights page (figures, charts, tables, CSV downloads) and a board
member's own figures."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse

from editorial.insights.own import reviewer_own_figures
from editorial.insights.periods import PeriodForm
from editorial.insights.statistics import board_insights
from editorial.insights.tables import as_csv, build_tables
from editorial.models import Submission
from editorial.views._common import chair_only


def insights_view(request):
    """GET only: the period and topic come in the query string, so a view can be
    bookmarked; ``?csv=<table>`` downloads one table."""
    chair_only(request)
    form = PeriodForm(request.GET or None)
    context = {
        **admin.site.each_context(request),
        "title": "Board insights",
        "opts": Submission._meta,
        "form": form,
    }
    if request.GET and not form.is_valid():
        return TemplateResponse(request, "admin/editorial/insights.html", context, status=400)
    if not request.GET:
        form = PeriodForm({"range": "90"})
        form.is_valid()
        context["form"] = form
    period = form.period()
    insights = board_insights(period)
    tables = build_tables(insights)
    wanted = request.GET.get("csv")
    if wanted:
        table = next((t for t in tables if t.key == wanted), None)
        if table is None:
            raise Http404("No such table.")
        response = HttpResponse(as_csv(table), content_type="text/csv; charset=utf-8")
        filename = f"insights-{table.key}-{period.first_day}-{period.last_day}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = request.GET.copy()
    query.pop("csv", None)
    context |= {
        "period": period,
        "insights": insights,
        "tables": tables,
        "query": query.urlencode(),
    }
    return TemplateResponse(request, "admin/editorial/insights.html", context)


def my_figures_view(request):
    """A board member's own load against capacity, median turnaround, and what falls due
    this week."""
    member = getattr(request.user, "board_member", None)
    if member is None:
        raise PermissionDenied("These figures are a board member's own.")
    context = {
        **admin.site.each_context(request),
        "title": "My review figures",
        "opts": Submission._meta,
        **reviewer_own_figures(member),
    }
    return TemplateResponse(request, "admin/editorial/my_figures.html", context)
