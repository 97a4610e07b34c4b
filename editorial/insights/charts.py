"""Horizontal bar charts as SVG, drawn on the server: no script, no web font, no CDN.
Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>`` (which
reads the figures out for a screen reader); every bar carries its own ``<title>``. The
page shows the same figures in a table beside it."""

from xml.sax.saxutils import escape

# Colour-blind-safe (Okabe–Ito) and with 3:1 contrast against white.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
WIDTH = 480
LABEL_WIDTH = 170
VALUE_WIDTH = 50
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
TOP = 8
LEGEND_ROW = 22


def _number(value):
    if value is None:
        return "no data"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _truncate(text, limit=22):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(*, chart_id, title, description, categories, series, unit=""):
    """``categories``: the row labels; ``series``: ``[(name, [value per category])]``
    (None for no data). Returns the SVG as a string of valid XML."""
    values = [v for _, vs in series for v in vs if v is not None]
    largest = max(values, default=0) or 1
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + GROUP_GAP
    legend_height = LEGEND_ROW * len(series) if len(series) > 1 else 0
    height = TOP + legend_height + max(1, len(categories)) * group_height + TOP
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="insights-chart"'
        f' viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet"'
        f' aria-labelledby="{title_id} {desc_id}" font-family="sans-serif" font-size="14">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    if legend_height:  # one line per series: long names never overlap
        for index, (name, _) in enumerate(series):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            y = TOP + index * LEGEND_ROW
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="14" height="14" fill="{colour}"/>'
                f'<text x="{LABEL_WIDTH + 20}" y="{y + 12}">{escape(name)}</text>'
            )
    if not categories:
        parts.append(f'<text x="0" y="{TOP + 14}">No data in this period.</text>')
    y = TOP + legend_height
    for row, category in enumerate(categories):
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 3}" text-anchor="end">'
            f"<title>{escape(str(category))}</title>{escape(_truncate(str(category)))}</text>"
        )
        for index, (name, column) in enumerate(series):
            value = column[row]
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            width = 0 if value is None else max(1, round(plot_width * value / largest))
            label = f"{category}, {name}: {_number(value)}{unit if value is not None else ''}"
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{width}" height="{BAR_HEIGHT}"'
                f' fill="{colour}"><title>{escape(label)}</title></rect>'
                f'<text x="{LABEL_WIDTH + width + 4}" y="{bar_y + BAR_HEIGHT - 3}">'
                f"{escape(_number(value))}</text>"
            )
        y += group_height
    parts.append("</svg>")
    return "".join(parts)


def describe(categories, series, unit=""):
    """A sentence a screen reader reads out: every figure of the chart."""
    if not categories:
        return "No data in this period."
    readings = []
    for row, category in enumerate(categories):
        figures = ", ".join(
            f"{name} {_number(column[row])}{unit if column[row] is not None else ''}"
            for name, column in series
        )
        readings.append(f"{category}: {figures}")
    return "; ".join(readings) + "."
