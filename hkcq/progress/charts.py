"""Bar charts drawn as SVG on the server: no JavaScript, no CDN. Every chart has a table
alternative on the same page; the SVG carries a title and a description for screen readers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hkcq.core.translated import TText

WIDTH = 680
LABEL_WIDTH = 250
BAR_LEFT = LABEL_WIDTH + 10
BAR_SPAN = WIDTH - BAR_LEFT - 60
ROW = 22
GAP = 10
TOP = 24

SERIES_CLASSES = {"joint": "bar-joint", "hong_kong": "bar-hk", "chongqing": "bar-cq"}


@dataclass
class Bar:
    series: str
    css: str
    value: Decimal | None
    x: int
    y: int
    width: int
    height: int
    label_x: int
    label_y: int


@dataclass
class Group:
    label: Any
    y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    groups: list[Group]
    height: int
    width: int = WIDTH
    bar_left: int = BAR_LEFT
    bar_span: int = BAR_SPAN
    ticks: list[tuple[int, int]] = field(default_factory=list)
    series: list[str] = field(default_factory=list)


def _chart(rows: list[tuple[Any, list[tuple[str, Decimal | None]]]]) -> Chart:
    groups: list[Group] = []
    y = TOP
    series: list[str] = []
    for label, values in rows:
        group = Group(label=label, y=y)
        for name, value in values:
            if name not in series:
                series.append(name)
            width = int(round(float(value or 0) / 100 * BAR_SPAN))
            group.bars.append(
                Bar(
                    series=name,
                    css=SERIES_CLASSES.get(name, "bar-joint"),
                    value=value,
                    x=BAR_LEFT,
                    y=y,
                    width=max(width, 1 if value is not None else 0),
                    height=ROW - 4,
                    label_x=BAR_LEFT + width + 6,
                    label_y=y + ROW - 8,
                )
            )
            y += ROW
        groups.append(group)
        y += GAP
    ticks = [(p, BAR_LEFT + int(p / 100 * BAR_SPAN)) for p in (0, 25, 50, 75, 100)]
    return Chart(groups=groups, height=y + 4, ticks=ticks, series=series)


def _short(area: Any) -> str:
    short = TText.from_json(area.short_name)
    return str(short) if short else str(TText.from_json(area.name))


def area_chart(areas: list[tuple[Any, Any]]) -> Chart:
    """Joint progress of each area."""
    return _chart([(_short(a), [("joint", r.percent if r else None)]) for a, r in areas])


def side_chart(areas: list[tuple[Any, Any]]) -> Chart:
    """Each side's progress, per area."""
    return _chart(
        [
            (_short(a), [("hong_kong", r.percent_hk if r else None), ("chongqing", r.percent_cq if r else None)])
            for a, r in areas
        ]
    )
