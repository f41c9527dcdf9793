"""Putting the rows of a tree (measures and their items at any depth) in reading order.

Every page, export and snapshot that shows measures with their items lists them depth-first: a
measure, then its items in their order (each followed by its own items), then the next measure.
Sorting flat on ``position`` files items under the wrong measure (every item 1 first), so every
tree rendering goes through :func:`depth_first`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def depth_first(
    rows: Iterable[T],
    *,
    key: Callable[[T], Hashable],
    parent: Callable[[T], Hashable | None],
    order: Callable[[T], Any],
) -> list[tuple[T, int]]:
    """``rows`` depth-first with their depth (0 for a root). Siblings follow ``order``. A row
    whose parent is not among ``rows`` is taken as a root, so no row is ever dropped."""
    rows = list(rows)
    keys = {key(r) for r in rows}
    children: dict[Hashable | None, list[T]] = {}
    for r in rows:
        p = parent(r)
        children.setdefault(p if p in keys else None, []).append(r)
    for siblings in children.values():
        siblings.sort(key=order)
    out: list[tuple[T, int]] = []
    seen: set[Hashable] = set()

    def walk(parent_key: Hashable | None, depth: int) -> None:
        for r in children.get(parent_key, []):
            k = key(r)
            if k in seen:  # a cycle in bad data: never loop
                continue
            seen.add(k)
            out.append((r, depth))
            walk(k, depth + 1)

    walk(None, 0)
    # Rows in a cycle with no root above them.
    out.extend((r, 0) for r in rows if key(r) not in seen)
    return out
