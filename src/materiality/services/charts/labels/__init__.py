"""Deterministic label placement for scatter charts, in display (pixel) coordinates.

Each label is a box of known size (or one of a few sizes: the same text wrapped
differently) that belongs to an anchor point drawn as a round marker. Boxes must not
overlap one another, any marker, or leave the plotting area (hard rules). Among the
positions that obey them a label prefers, in this order: a leader line that crosses no
other leader and no marker; a place on its point's side of the threshold lines; a
leader no longer than ``max_leader``; right next to its point; a short leader. Labels
lying on threshold lines, error bars or leaders, and leaders through labels, cost too.

Every label gets a fixed list of candidate positions (next to its point, then on rings
around it), each scored once against the fixed obstacles. What two labels cost each
other is computed when first needed and kept, so trying a label in every one of its
places against the others is a few vector additions. The search:

1. greedy: the labels with the fewest good places first, each at its best place;
2. re-placement: a label moves when that lowers the total, until nothing moves;
3. squeaky wheel: the construction starts again with the badly placed labels first,
   for a few rounds, and the cheapest picture is kept;
4. ejection: a badly placed label takes a better place another label holds, which then
   finds a new one, when the total drops;
5. uncrossing: two labels whose leaders cross swap places (exchanging the ends of two
   crossing segments always shortens them).

No randomness and no time limit: the same input always gives the same output. Pure numpy.
The search is here; what it weighs is in ``costs``, the candidates in ``candidates``, the
state it moves in ``solver`` and the geometry of boxes and leaders in ``geometry``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .costs import GOOD, ILLEGAL, ROUNDS, SMALL
from .geometry import count_crossings
from .solver import Solver

__all__ = ["Placement", "count_crossings", "place_labels"]


@dataclass
class Placement:
    """Result of :func:`place_labels`, in display coordinates.

    ``centers`` are the label box centres; ``leader[i]`` says whether label ``i`` sits
    away from its point and needs a leader line; ``ok[i]`` is False when no legal
    position was found (the label was then put where it overlaps least); ``variant[i]``
    is the index of the size chosen for label ``i``; ``crossings`` counts the pairs of
    leader lines that cross.
    """

    centers: np.ndarray
    leader: np.ndarray
    ok: np.ndarray
    variant: np.ndarray
    crossings: int = 0


def place_labels(
    anchors: np.ndarray,
    sizes: np.ndarray | Sequence[np.ndarray],
    radii: np.ndarray,
    bounds: tuple[float, float, float, float],
    fixed: Mapping[int, tuple[float, float]] | None = None,
    soft_segments: np.ndarray | None = None,
    gap: float = 2.0,
    refine_budget: int = 400,
    on_anchor: bool = False,
    max_leader: float | None = None,
    thresholds: tuple[float | None, float | None] = (None, None),
    give_up_if_illegal: bool = False,
) -> Placement:
    """Place one label per anchor; all arguments in display coordinates (pixels).

    ``sizes`` are label (width, height) including any padding, one row per label, or per
    label an array of alternative sizes (the same text wrapped differently; the first is
    preferred); ``radii`` the marker radii (plus padding); ``bounds`` the allowed area
    (x0, y0, x1, y1); ``fixed`` maps a label index to a centre chosen by an editor (kept
    as is, at the first size, and avoided by the others); ``soft_segments`` are
    (x0, y0, x1, y1) lines that labels should rather not cover; ``refine_budget`` caps
    the re-placement attempts of each round; ``on_anchor`` places badges (numbered
    circles) over their own point when it is free, else as close as possible with a
    leader; ``max_leader`` is the longest leader wanted (default: a fifth of the area's
    diagonal); ``thresholds`` (x, y), either None, are lines whose point's side a label
    should stay on. With ``give_up_if_illegal``, a chart of many labels (more than
    ``SMALL``) stops after its construction when a label found no legal place there:
    the caller will try smaller labels, and the polishing passes would be wasted.
    """
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    n = len(anchors)
    if isinstance(sizes, np.ndarray) and sizes.ndim == 2:
        halves = [sizes[i : i + 1].astype(float) / 2.0 for i in range(n)]
    else:
        halves = [np.asarray(s, dtype=float).reshape(-1, 2) / 2.0 for s in sizes]
    radii = np.asarray(radii, dtype=float).reshape(-1)
    soft = np.zeros((0, 4)) if soft_segments is None else np.asarray(soft_segments, float)
    x0, y0, x1, y1 = bounds
    if max_leader is None:
        max_leader = float(np.hypot(x1 - x0, y1 - y0)) / 5
    fixed = {int(i): c for i, c in (fixed or {}).items()}
    movable = [i for i in range(n) if i not in fixed]
    solver = Solver(anchors, halves, radii, bounds, soft.reshape(-1, 4), gap, on_anchor,
                     max_leader, tuple(thresholds), fixed)
    _search(solver, movable, refine_budget, give_up_if_illegal)

    g = solver.pos
    ok = np.array([solver.fixed[i] or solver.cost_now(i) < ILLEGAL for i in range(n)], bool)
    return Placement(centers=solver.centers[g].reshape(-1, 2), leader=solver.leader[g],
                     ok=ok, variant=solver.variant[g], crossings=len(solver.crossing_pairs()))


def _search(solver: Solver, movable: list[int], refine_budget: int,
            give_up_if_illegal: bool = False) -> None:
    """Greedy construction, squeaky-wheel rounds, ejections and uncrossing."""
    n, anchors, halves, radii = solver.n, solver.anchors, solver.halves, solver.radii
    # The labels with the fewest good places first (a point in a corner or a crowd),
    # then the crowded points: they need the few spots right next to them.
    dist = np.hypot(*(anchors[:, None, :] - anchors[None, :, :]).transpose(2, 0, 1))
    tall = np.array([h[0, 1] * 2 for h in halves]) if n else np.zeros(0)
    crowd = (dist < 4 * (tall[:, None] + radii[:, None])).sum(axis=1)
    good = [int((solver.cost[solver.off[i]:solver.off[i + 1]] < GOOD).sum()) for i in range(n)]
    order = sorted(movable, key=lambda i: (good[i], -crowd[i], i))

    best_pos, best_total = None, np.inf
    seen: set[tuple[int, ...]] = set()
    # Many labels: one construction and no ejections, or the search takes seconds.
    small = n <= SMALL
    for _round in range(ROUNDS if small else 1):
        seen.add(tuple(order))
        solver.reset()
        for i in order:
            solver.put(i, solver.best(i)[0])
        _refine(solver, order, refine_budget)
        if give_up_if_illegal and not small and any(
                solver.cost_now(i) >= ILLEGAL for i in movable):
            return
        total = solver.total()
        if total < best_total - 1e-6:
            best_pos, best_total = solver.pos.copy(), total
        # Squeaky wheel: the labels placed badly this time go first next time.
        blame = {i: solver.cost_now(i) >= GOOD for i in order}
        if not any(blame.values()):
            break
        order = [i for i in order if blame[i]] + [i for i in order if not blame[i]]
        if tuple(order) in seen:
            break
    if best_pos is not None:
        solver.reset()
        for i in movable:
            solver.put(i, int(best_pos[i]))
    for _round in range(4):
        moved = _eject(solver, movable) if small else False
        moved = _uncross(solver) or moved
        if not moved:
            break
        _refine(solver, order, refine_budget)


def _refine(solver: Solver, order: list[int], budget: int) -> None:
    """Move labels to their cheapest place while that lowers the total; a label is looked
    at again only when a move changed what its places cost."""
    queue = list(order)
    queued = set(queue)
    while queue and budget > 0:
        i = queue.pop(0)
        queued.discard(i)
        budget -= 1
        g, cost = solver.best(i)
        if cost < solver.cost_now(i) - 1e-6:
            for j in solver.put(i, g, touched=True).tolist():
                if j not in queued and j != i and not solver.fixed[j]:
                    queue.append(j)
                    queued.add(j)


def _eject(solver: Solver, movable: list[int], tries: int = 6, most: int = 2) -> bool:
    """Give a badly placed label a better place that up to ``most`` other labels hold,
    find those new places, and keep the change when the total drops.

    Returns whether anything moved."""
    moved = False
    costs = {i: solver.cost_now(i) for i in movable}
    for i in sorted((i for i in movable if costs[i] >= GOOD), key=lambda i: (-costs[i], i)):
        now = solver.cost_now(i)
        if now < GOOD:
            continue
        a, b = solver.off[i], solver.off[i + 1]
        own = solver.cost[a:b]  # sorted cheapest first
        attempts = 0
        for g in range(a, a + int(np.searchsorted(own, now - GOOD / 2))):
            if attempts >= tries:
                break
            hit = solver.overlapping(g)
            if not hit or len(hit) > most or solver.fixed[hit].any():
                continue
            attempts += 1
            saved = solver.snapshot()
            before = solver.total()
            for j in hit:
                solver.put(j, -1)
            solver.put(i, g)
            for j in hit:
                solver.put(j, solver.best(j)[0])
            _refine(solver, hit, budget=4 * len(hit))
            if solver.total() < before - 1e-6:
                moved = True
                break
            solver.restore(saved)
    return moved


def _uncross(solver: Solver) -> bool:
    """Swap the places of labels whose leaders cross, while that lowers the cost.
    Returns whether anything moved."""
    moved = False
    trials = 4 * solver.n
    while trials > 0:
        pairs = [(i, j) for i, j in solver.crossing_pairs()
                 if not (solver.fixed[i] or solver.fixed[j])]
        changed = False
        for i, j in pairs[:trials]:
            trials -= 1
            gi, gj, cost = solver.swap(i, j)
            if cost < solver.cost_now(i) + solver.cost_now(j) - 1e-6:
                solver.put(i, -1)
                solver.put(j, -1)
                solver.put(i, gi)
                solver.put(j, gj)
                changed = moved = True
                break  # the crossing pairs changed: list them again
        if not changed:
            break
    return moved
