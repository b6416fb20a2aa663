"""Table grids from ruling lines: the same geometry for a PDF's drawn paths and a scan's detected lines.

Segments that touch form one table. Its row and column edges are the clustered
positions of its horizontal and vertical rules; two neighbouring slots belong to
one merged cell where no rule separates them, so rowspan and colspan come from
the ruled grid itself, never from reading order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace

from govreport.options import active_limits

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 with y growing downwards
# whether a rule is drawn (horizontal?, at, from, to) where no segment was found: a scan's broken rule
EdgeCheck = Callable[[bool, float, float, float], bool]


@dataclass(frozen=True, slots=True)
class Segment:
    """A horizontal (``at`` is y, ``lo``/``hi`` are x) or vertical (``at`` is x) rule."""

    horizontal: bool
    at: float
    lo: float
    hi: float


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box


@dataclass(frozen=True, slots=True)
class Grid:
    box: Box
    cells: tuple[GridCell, ...]
    n_rows: int
    n_cols: int
    repaired: bool = False  # some cell edges came from an ink check of a broken rule, not from a segment


def scale_box(box: Box, k: float) -> Box:
    return box[0] * k, box[1] * k, box[2] * k, box[3] * k


def scale_grid(grid: Grid, k: float) -> Grid:
    cells = tuple(replace(c, box=scale_box(c.box, k)) for c in grid.cells)
    return replace(grid, box=scale_box(grid.box, k), cells=cells)


def segments_of_box(box: Box) -> list[Segment]:
    """The four edges of a drawn rectangle (a cell's border or background)."""
    x0, y0, x1, y1 = box
    return [
        Segment(True, y0, x0, x1),
        Segment(True, y1, x0, x1),
        Segment(False, x0, y0, y1),
        Segment(False, x1, y0, y1),
    ]


def find_grids(segments: list[Segment], tol: float, min_gap: float, drawn: EdgeCheck | None = None) -> list[Grid]:
    """Tables formed by ``segments``: ``tol`` is how far apart rules may be and still
    meet or coincide, ``min_gap`` the smallest row height or column width; ``drawn``
    looks again, in the image, at an edge between two slots that no segment separates."""
    grids = []
    for group in _touching_groups(segments, tol):
        grid = _grid_of(group, tol, min_gap, drawn)
        if grid is not None:
            grids.append(grid)
    return grids


def _touching_groups(segments: list[Segment], tol: float) -> list[list[Segment]]:
    parent = list(range(len(segments)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # a sweep from left to right: only rules whose x-extents overlap can touch
    spans = [(s.lo - tol, s.hi + tol) if s.horizontal else (s.at - tol, s.at + tol) for s in segments]
    order = sorted(range(len(segments)), key=lambda k: spans[k][0])
    for n, i in enumerate(order):
        right = spans[i][1]
        for m in range(n + 1, len(order)):
            j = order[m]
            if spans[j][0] > right:
                break
            if _touch(segments[i], segments[j], tol):
                parent[root(i)] = root(j)
    groups: dict[int, list[Segment]] = {}
    for i, segment in enumerate(segments):
        groups.setdefault(root(i), []).append(segment)
    return list(groups.values())


def _touch(a: Segment, b: Segment, tol: float) -> bool:
    """Crossing or meeting rules, or pieces of one rule (each cell draws its own border)."""
    if a.horizontal == b.horizontal:
        return abs(a.at - b.at) <= tol and a.lo - tol <= b.hi and b.lo - tol <= a.hi
    return a.lo - tol <= b.at <= a.hi + tol and b.lo - tol <= a.at <= b.hi + tol


def _cluster(values: list[float], tol: float) -> list[float]:
    """Positions closer than ``tol`` are one rule (double lines, the two edges of a thin rect)."""
    out: list[list[float]] = []
    for value in sorted(values):
        if out and value - out[-1][-1] <= tol:
            out[-1].append(value)
        else:
            out.append([value])
    return [sum(c) / len(c) for c in out]


def _drop_narrow(edges: list[float], min_gap: float) -> list[float]:
    kept = edges[:1]
    for edge in edges[1:]:
        if edge - kept[-1] >= min_gap:
            kept.append(edge)
    return kept


class _Rules:
    """Rules of one direction sorted by position, so the rules near a position are found by bisection."""

    def __init__(self, rules: list[Segment]) -> None:
        self._rules = sorted(rules, key=lambda r: r.at)
        self._at = [r.at for r in self._rules]

    def crosses(self, at: float, across: float, tol: float) -> bool:
        """Whether a rule lies at ``at`` (within ``tol``) and covers ``across``."""
        near = self._rules[bisect_left(self._at, at - tol) : bisect_right(self._at, at + tol)]
        return any(r.lo - tol <= across <= r.hi + tol for r in near)


def _grid_of(group: list[Segment], tol: float, min_gap: float, drawn: EdgeCheck | None) -> Grid | None:
    hs = [s for s in group if s.horizontal]
    vs = [s for s in group if not s.horizontal]
    if not hs or not vs:
        return None
    # the rules' ends close a table that a page break left open (no bottom rule on this page)
    ys = _drop_narrow(_cluster([s.at for s in hs] + [min(s.lo for s in vs), max(s.hi for s in vs)], tol), min_gap)
    xs = _drop_narrow(_cluster([s.at for s in vs] + [min(s.lo for s in hs), max(s.hi for s in hs)], tol), min_gap)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 2:  # a framed paragraph or a lone rule is not a table
        return None
    active_limits().check("table_cells", n_rows * n_cols)
    h_rules, v_rules = _Rules(hs), _Rules(vs)
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def root(slot: tuple[int, int]) -> tuple[int, int]:
        while parent[slot] != slot:
            slot = parent[slot]
        return slot

    def join(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    repaired = False
    for r in range(n_rows):
        mid_y = (ys[r] + ys[r + 1]) / 2
        for c in range(n_cols - 1):
            if v_rules.crosses(xs[c + 1], mid_y, tol):
                continue
            if drawn is not None and drawn(False, xs[c + 1], ys[r], ys[r + 1]):
                repaired = True
            else:
                join((r, c), (r, c + 1))
    for c in range(n_cols):
        mid_x = (xs[c] + xs[c + 1]) / 2
        for r in range(n_rows - 1):
            if h_rules.crosses(ys[r + 1], mid_x, tol):
                continue
            if drawn is not None and drawn(True, ys[r + 1], xs[c], xs[c + 1]):
                repaired = True
            else:
                join((r, c), (r + 1, c))
    merged: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for slot in parent:
        merged.setdefault(root(slot), []).append(slot)
    cells = []
    for slots in merged.values():
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots)
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots)
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])))
    cells.sort(key=lambda g: (g.row, g.col))
    return Grid((xs[0], ys[0], xs[-1], ys[-1]), tuple(cells), n_rows, n_cols, repaired)
