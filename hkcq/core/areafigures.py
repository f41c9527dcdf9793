"""Figures counted under each co-operation area: a small registry the apps above contribute to.

Core knows no domain app, and the progress dashboard and the plenary report (``progress``,
``reporting``) sit below the apps whose results they show (``partnering``'s partnerships, the
``exchanges``' pairs and placements). Each of those apps registers the figures it counts in its
``AppConfig.ready()`` (``register(AreaFigure(...))``); the dashboard, the snapshots frozen for the
plenary report and the open data ask every registered figure for its counts per area, without
importing the app. A new figure needs no change in progress or reporting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AreaFigure:
    """``counts()`` returns ``{area primary key: count}`` as of now (cumulative; areas with none
    may be left out). ``label``/``description`` are (lazy) translated strings: the column heading
    and the sentence the open data's schema gives. ``order``: position among the figures."""

    key: str
    label: Callable[[], Any]
    description: Callable[[], Any]
    counts: Callable[[], dict[int, int]]
    order: int = 100


_FIGURES: dict[str, AreaFigure] = {}


def register(figure: AreaFigure) -> None:
    """Add (or replace, by key) a figure."""
    _FIGURES[figure.key] = figure


def unregister(key: str) -> None:
    _FIGURES.pop(key, None)


def figures() -> list[AreaFigure]:
    return sorted(_FIGURES.values(), key=lambda f: (f.order, f.key))


def counts_by_area() -> dict[str, dict[int, int]]:
    """``{figure key: {area primary key: count}}`` for every registered figure, in their order."""
    return {f.key: {int(k): int(v) for k, v in f.counts().items() if k is not None} for f in figures()}
