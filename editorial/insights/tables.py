"""The insights page's figures as tables: each is shown as a chart and as a table, and can
be downloaded as CSV. The chart is drawn from the table, so the two cannot disagree."""

import csv
import io
from dataclasses import dataclass, field

from editorial.insights import charts
from editorial.insights.figures import MEASURES, Insights


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list  # each a list: its label, then one value per remaining column
    chart_columns: list = field(default_factory=list)  # indexes of the columns drawn
    unit: str = ""
    note: str = ""

    @property
    def categories(self):
        return [row[0] for row in self.rows]

    def series(self):
        return [(self.columns[i], [row[i] for row in self.rows]) for i in self.chart_columns]

    @property
    def description(self):
        return charts.describe(self.categories, self.series(), self.unit)

    @property
    def svg(self):
        return charts.bar_chart(
            chart_id=f"chart-{self.key}",
            title=self.title,
            description=self.description,
            categories=self.categories,
            series=self.series(),
            unit=self.unit,
        )


def build_tables(insights: Insights):
    """The page's tables, in the order it shows them."""
    return [
        _open_reviews(insights),
        _turnarounds(insights),
        _trend(insights),
        _reviewers(insights),
        _declines(insights),
        _horizon(insights),
    ]


def _open_reviews(insights):
    rows = [[label, count] for label, count in insights.open_by_state.items()]
    rows += [
        ["Overdue now", insights.overdue],
        ["Escalated to the chair, still open", insights.escalated_open],
        ["Escalations in this period", insights.escalations_in_period],
    ]
    return Table(
        key="open",
        title="Open reviews now, by state",
        columns=["State", "Assignments"],
        rows=rows,
        chart_columns=[1],
    )


def _turnarounds(insights):
    rows = [
        [m.label, t.count, t.median, t.p90] for m in MEASURES for t in [insights.turnarounds[m.key]]
    ]
    return Table(
        key="turnaround",
        title="Turnaround in days: median and 90th percentile",
        columns=["Step", "Samples", "Median (days)", "90th percentile (days)"],
        rows=rows,
        chart_columns=[2, 3],
        unit=" days",
        note="Each sample counts in the period in which it ended.",
    )


def _trend(insights):
    rows = [
        [f"{month:%b %Y}", *[by_measure[m.key].median for m in MEASURES]]
        for month, by_measure in insights.months
    ]
    return Table(
        key="trend",
        title="Median days per month",
        columns=["Month", *[f"{m.label} (median days)" for m in MEASURES]],
        rows=rows,
        chart_columns=[1, 2, 3, 4],
        unit=" days",
    )


def _reviewers(insights):
    rows = [
        [
            row.name,
            row.open_load,
            row.capacity,
            row.responses.count,
            row.responses.median,
            row.responses.p90,
            row.decisions.count,
            row.decisions.median,
            row.decisions.p90,
        ]
        for row in insights.reviewers
    ]
    return Table(
        key="reviewers",
        title="Per reviewer: load and turnaround",
        columns=[
            "Reviewer",
            "Open reviews",
            "Capacity",
            "Responses",
            "Response median (days)",
            "Response 90th percentile (days)",
            "Decisions",
            "Decision median (days)",
            "Decision 90th percentile (days)",
        ],
        rows=rows,
        chart_columns=[4, 7],
        unit=" days",
    )


def _declines(insights):
    rate = insights.decline_rate
    note = (
        f"{insights.declined} of {insights.responded} invitations answered in this period "
        f"were declined ({rate:.0%})."
        if rate is not None
        else "No invitation was answered in this period."
    )
    return Table(
        key="declines",
        title="Why invitations were declined",
        columns=["Reason", "Declines"],
        rows=[[reason, count] for reason, count in insights.decline_reasons],
        chart_columns=[1],
        note=note,
    )


def _horizon(insights):
    horizon = insights.horizon
    return Table(
        key="horizon",
        title="Re-review horizon: published articles by when their next review is due",
        columns=["Due", "Articles"],
        rows=[
            ["Past due", horizon["past_due"]],
            ["Within 30 days", horizon["within_30"]],
            ["Within 60 days", horizon["within_60"]],
            ["Within 90 days", horizon["within_90"]],
        ],
        chart_columns=[1],
        note="Each count includes the nearer ones; past due is counted apart.",
    )


def as_csv(table):
    """The table as CSV text (no data: an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()
