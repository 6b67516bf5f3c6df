"""Chart builders: plain data in, SVG-ready geometry out (pure functions, no database).

Every builder returns a dataclass whose numbers a template writes into ``<rect>``, ``<line>``
or ``<polyline>`` as they are, with the viewBox it needs. Coordinates are rounded to one
decimal so that pages stay small at thousands of points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640


def _r(x: float) -> float:
    return round(x, 1)


# --- Horizontal bars: one bar per label, one or more stacked segments --------------------------


@dataclass
class Segment:
    key: str  # a CSS class suffix: the series
    label: str
    value: int
    x: float
    width: float


@dataclass
class BarRow:
    label: str
    total: int
    y: float
    segments: list[Segment]
    note: str = ""


@dataclass
class BarChart:
    title: str
    desc: str
    rows: list[BarRow]
    series: list[tuple[str, str]]  # (key, label), for the legend and the table
    width: int
    height: int
    label_width: int
    bar_height: int
    maximum: int
    marks: list[tuple[str, float]] = field(default_factory=list)  # (label, x): vertical lines


def bar_chart(
    title: str,
    rows: list[tuple[str, dict[str, int]]],
    series: list[tuple[str, str]],
    *,
    desc: str = "",
    label_width: int = 160,
    bar_height: int = 18,
    gap: int = 6,
    maximum: int | None = None,
    marks: list[tuple[str, float]] = (),
    notes: dict[str, str] | None = None,
) -> BarChart:
    """Stacked horizontal bars: ``rows`` is ``[(label, {series key: count})]``.

    The bars share one scale: ``maximum`` (default the largest total). ``marks`` are values
    drawn as vertical lines across all bars (e.g. a threshold)."""
    totals = [sum(values.get(k, 0) for k, _ in series) for _, values in rows]
    top = max([maximum or 0, *totals, 1])
    plot = WIDTH - label_width - 40
    out = []
    for i, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        x = float(label_width)
        segments = []
        for key, name in series:
            value = values.get(key, 0)
            width = plot * value / top
            segments.append(Segment(key, name, value, _r(x), _r(width)))
            x += width
        out.append(
            BarRow(label, total, i * (bar_height + gap), segments, (notes or {}).get(label, ""))
        )
    height = max(len(rows), 1) * (bar_height + gap) + 20
    return BarChart(
        title=title,
        desc=desc,
        rows=out,
        series=list(series),
        width=WIDTH,
        height=height,
        label_width=label_width,
        bar_height=bar_height,
        maximum=top,
        marks=[(label, _r(label_width + plot * value / top)) for label, value in marks],
    )


def stacked_bar(title: str, parts: list[tuple[str, str, int]], *, desc: str = "") -> BarChart:
    """One bar split into ``parts`` ``[(key, label, count)]``: e.g. the outcomes of a call."""
    return bar_chart(
        title,
        [("All", {key: count for key, _, count in parts})],
        [(key, label) for key, label, _ in parts],
        desc=desc,
        label_width=40,
        bar_height=28,
    )


# --- Columns over time: cumulative lines over bins of unequal length ----------------------------


@dataclass
class Bin:
    label: str
    counts: dict[str, int]
    cumulative: dict[str, int]


@dataclass
class Timeline:
    title: str
    desc: str
    bins: list[Bin]
    series: list[tuple[str, str]]
    lines: list[tuple[str, str]]  # (series key, polyline points)
    marks: list[tuple[str, str, float]]  # (key, label, x)
    ticks: list[tuple[str, float]]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    maximum: int


def timeline(
    title: str,
    bins: list[tuple[str, dict[str, int]]],
    series: list[tuple[str, str]],
    *,
    marks: list[tuple[str, str, float]] = (),
    desc: str = "",
    height: int = 220,
    ticks: int = 8,
) -> Timeline:
    """Cumulative counts per series over ``bins`` ``[(label, {series: count in bin})]``.

    Bins are equally wide on the page whatever time they cover: hours near a deadline get the
    room days get before it. ``marks`` are ``(key, label, bin position)`` vertical lines (a
    fractional position falls inside a bin)."""
    left, right, top, bottom = 40, 10, 10, height - 30
    n = max(len(bins), 1)
    step = (WIDTH - left - right) / n
    running = {key: 0 for key, _ in series}
    out = []
    for label, counts in bins:
        for key in running:
            running[key] += counts.get(key, 0)
        out.append(Bin(label, dict(counts), dict(running)))
    maximum = max([1, *running.values()])

    def y(value: int) -> float:
        return _r(bottom - (bottom - top) * value / maximum)

    lines = []
    for key, _ in series:
        points = [f"{left},{bottom}"]
        points += [f"{_r(left + step * (i + 1))},{y(b.cumulative[key])}" for i, b in enumerate(out)]
        lines.append((key, " ".join(points)))
    every = max(1, len(bins) // ticks)
    tick_list = [
        (b.label, _r(left + step * (i + 0.5))) for i, b in enumerate(out) if i % every == 0
    ]
    return Timeline(
        title=title,
        desc=desc,
        bins=out,
        series=list(series),
        lines=lines,
        marks=[(key, label, _r(left + step * pos)) for key, label, pos in marks],
        ticks=tick_list,
        width=WIDTH,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        maximum=maximum,
    )


# --- A dot with its range: the mean and spread of one paper's scores --------------------------


@dataclass
class RangeDot:
    mean: float
    low: int
    high: int
    count: int
    spread: int
    dot_x: float
    low_x: float
    high_x: float
    width: int
    disagree: bool
    confidence: float | None


def range_dot(
    scores: list[int],
    *,
    levels: int,
    confidences: list[int] = (),
    width: int = 120,
    disagree_at: int = 3,
) -> RangeDot | None:
    """The mean of ``scores`` (1..levels) as a dot on a line from the lowest to the highest.

    ``disagree`` when the scores span ``disagree_at`` levels or more. None without scores."""
    if not scores:
        return None
    pad = 6

    def x(v: float) -> float:
        return _r(pad + (width - 2 * pad) * (v - 1) / max(levels - 1, 1))

    mean = sum(scores) / len(scores)
    low, high = min(scores), max(scores)
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return RangeDot(
        mean=round(mean, 2),
        low=low,
        high=high,
        count=len(scores),
        spread=high - low,
        dot_x=x(mean),
        low_x=x(low),
        high_x=x(high),
        width=width,
        disagree=high - low >= disagree_at,
        confidence=confidence,
    )


def histogram(counts: dict[int, int], levels: list[str]) -> list[tuple[str, dict[str, int]]]:
    """Rows for ``bar_chart``: one per level (1-based) of a labelled scale, lowest first."""
    return [(f"{i} {name}", {"n": counts.get(i, 0)}) for i, name in enumerate(levels, 1)]
