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
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Penalties, in pixel-equivalents of leader length.
_ILLEGAL = 1e6  # overlapping another label or a marker, or outside the area
_LEADER_BASE = 12.0
_LEADER_CROSSES_LEADER = 1000.0
_LEADER_CROSSES_MARKER = 400.0
_LONG_LEADER = 300.0
_WRONG_SIDE = 220.0
_LEADER_ON_LABEL = 150.0  # one label's leader through another label's box
_BOX_ON_LINE = 45.0
_VARIANT = 3.0  # each step away from a label's preferred wrapping
_GOOD = 60.0  # a label costing less than this is well placed
#: Far positions prefer pointing away from the crowd (radial leaders rarely cross).
_OUTWARD = 0.35
_FAR_ANGLES = np.deg2rad(np.arange(0, 360, 30))
_ROUNDS = 6  # squeaky-wheel constructions at most
_SMALL = 45  # up to this many labels get the whole search


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


def boxes_overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return an (len(a), len(b)) matrix: do boxes ``[x0, y0, x1, y1]`` intersect."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), dtype=bool)
    return (
        (a[:, None, 0] < b[None, :, 2])
        & (a[:, None, 2] > b[None, :, 0])
        & (a[:, None, 1] < b[None, :, 3])
        & (a[:, None, 3] > b[None, :, 1])
    )


def segments_hit_boxes(p0: np.ndarray, p1: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Return an (len(p0), len(boxes)) matrix: does segment p0→p1 cross the box.

    A segment meets an axis-aligned box when their bounding boxes overlap and the box's
    corners do not all lie on one side of the segment's line, where the line's value is
    f(x, y) = dx (y - ay) - dy (x - ax) (tested only for the pairs whose bounding boxes
    overlap: most pairs are far apart)."""
    if len(p0) == 0 or len(boxes) == 0:
        return np.zeros((len(p0), len(boxes)), dtype=bool)
    ax, ay = p0[:, 0:1], p0[:, 1:2]
    bx, by = p1[:, 0:1], p1[:, 1:2]
    hit = ((np.minimum(ax, bx) < boxes[None, :, 2]) & (np.maximum(ax, bx) > boxes[None, :, 0])
           & (np.minimum(ay, by) < boxes[None, :, 3]) & (np.maximum(ay, by) > boxes[None, :, 1]))
    rows, cols = np.nonzero(hit)
    if len(rows) == 0:
        return hit
    hit[rows, cols] = _straddle(p0[rows, 0], p0[rows, 1], p1[rows, 0], p1[rows, 1],
                                *(boxes[cols, k] for k in range(4)))
    return hit


def segments_cross(p0: np.ndarray, p1: np.ndarray, q0: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Return a (len(p0), len(q0)) matrix: do segments p0→p1 and q0→q1 properly cross."""
    if len(p0) == 0 or len(q0) == 0:
        return np.zeros((len(p0), len(q0)), dtype=bool)
    a0, a1 = p0[:, None, :], p1[:, None, :]
    b0, b1 = q0[None, :, :], q1[None, :, :]

    def orient(p, q, r):
        return np.sign(
            (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
            - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
        )

    return (orient(a0, a1, b0) * orient(a0, a1, b1) < 0) & (
        orient(b0, b1, a0) * orient(b0, b1, a1) < 0
    )


def _crossing_one(p0x, p0y, p1x, p1y, q0, q1) -> np.ndarray:
    """:func:`segments_cross` of many segments (by column) with the one q0→q1, by the
    same arithmetic, without the broadcasting."""
    dx, dy = p1x - p0x, p1y - p0y
    ex, ey = q1[0] - q0[0], q1[1] - q0[1]
    o1 = np.sign(dx * (q0[1] - p0y) - dy * (q0[0] - p0x))
    o2 = np.sign(dx * (q1[1] - p0y) - dy * (q1[0] - p0x))
    o3 = np.sign(ex * (p0y - q0[1]) - ey * (p0x - q0[0]))
    o4 = np.sign(ex * (p1y - q0[1]) - ey * (p1x - q0[0]))
    return (o1 * o2 < 0) & (o3 * o4 < 0)


def _straddle(ax, ay, bx, by, x0, y0, x1, y1) -> np.ndarray:
    """Whether a box's corners lie on both sides of (or on) the line a→b, as
    :func:`segments_hit_boxes` computes it; any of the arguments may be arrays."""
    dx, dy = bx - ax, by - ay
    fx0, fx1 = -dy * (x0 - ax), -dy * (x1 - ax)
    fy0, fy1 = dx * (y0 - ay), dx * (y1 - ay)
    c0, c1, c2, c3 = fx0 + fy0, fx0 + fy1, fx1 + fy0, fx1 + fy1
    lo = np.minimum(np.minimum(c0, c1), np.minimum(c2, c3))
    hi = np.maximum(np.maximum(c0, c1), np.maximum(c2, c3))
    return (lo <= 0) & (hi >= 0)


def count_crossings(segments: np.ndarray) -> int:
    """How many pairs of the (x0, y0, x1, y1) segments properly cross."""
    segs = np.asarray(segments, dtype=float).reshape(-1, 4)
    cross = segments_cross(segs[:, :2], segs[:, 2:], segs[:, :2], segs[:, 2:])
    return int(np.triu(cross, k=1).sum())


def _columns(rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """A 2-d array's columns, each contiguous (fast to compare and to index)."""
    return tuple(np.ascontiguousarray(rows[:, k]) for k in range(rows.shape[1]))


def _boxes(centers: np.ndarray, half: np.ndarray) -> np.ndarray:
    return np.concatenate([centers - half, centers + half], axis=1)


def leader_target(anchor: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Where a leader from ``anchor`` (one point, or one per box) meets each box: the
    box's nearest point."""
    return np.stack(
        [
            np.clip(anchor[..., 0], boxes[:, 0], boxes[:, 2]),
            np.clip(anchor[..., 1], boxes[:, 1], boxes[:, 3]),
        ],
        axis=1,
    )


def _rings(start: float, stop: float, step: float, growth: float) -> list[float]:
    radii, rr = [], start
    while rr < stop:
        radii.append(rr)
        rr += max(step, rr * growth)
    return radii


@functools.lru_cache(maxsize=64)
def _ring_points(r: float, gap: float, reach: float, diagonal: float | None,
                 angles: tuple[float, ...]) -> list[tuple]:
    """The rings' directions and radii, the same for every label of a chart: fine rings
    at ``angles`` out to ``reach``, coarse ones every 30° beyond it to ``diagonal``.
    Per ring set: its angles, how many radii, each point's cosine, sine and radius, whether
    it lies above or below, and the angle's own cost. (Kept: treat as read-only.)"""
    step = max(gap * 2.5, 6.0)
    fine = _rings(r + step, reach, step, 0.12)
    coarse = _rings(max(reach, r + step), diagonal, step, 0.3) if diagonal else []
    found = []
    for radii, ring_angles in ((fine, np.array(angles)), (coarse, _FAR_ANGLES)):
        if not radii:
            continue
        sin = np.tile(np.sin(ring_angles), len(radii))
        found.append((ring_angles, len(radii), np.tile(np.cos(ring_angles), len(radii)), sin,
                      np.repeat(radii, len(ring_angles)), np.abs(sin) > 0.9,
                      0.15 * (1 - np.cos(ring_angles)) + 0.05 * (1 - np.sin(ring_angles))))
    return found


def _offsets(halves, radius, gap, reach, diagonal, outward, on_anchor, angles):
    """Candidate offsets from the anchor for each box size (``halves``, one row per
    size), their base cost, leader flag and size index, size after size.

    Fine rings at ``angles`` reach ``reach``; coarse ones beyond it, up to ``diagonal``
    (if given), are the last resort of a label with no free place nearby."""
    count = len(halves)
    w, h = halves[:, 0:1], halves[:, 1:2]  # one row per size: every size at once
    if on_anchor:  # a badge drawn over its own point: the point itself, then nearby
        radius = 0.0
    r = radius + gap
    d = r * 0.7071
    if on_anchor:
        near, near_cost = np.zeros((count, 1, 2)), np.zeros(1)
    else:
        zero = np.zeros_like(w)
        near = np.stack([
            np.concatenate([r + w, -(r + w), zero, zero,  # right, left, above, below
                            d + w, -(d + w), d + w, -(d + w)], axis=1),  # the diagonals
            np.concatenate([zero, zero, r + h, -(r + h),
                            d + h, d + h, -(d + h), -(d + h)], axis=1),
        ], axis=2)
        near_cost = np.array([0, 1.5, 2, 3, 2.5, 3.5, 4, 4.5], dtype=float)
        # Beside the point, slid along the side it touches.
        slide = np.array([0.3, 0.6, 1.0, -0.3, -0.6, -1.0])
        sw = slide * np.maximum(w - radius, 0.0)
        six = np.ones(6)
        beside = np.concatenate([
            np.stack([(r + w) * six, slide * h], axis=2),  # right
            np.stack([-(r + w) * six, slide * h], axis=2),  # left
            np.stack([sw, (r + h) * six], axis=2),  # above
            np.stack([sw, -(r + h) * six], axis=2),  # below
        ], axis=1)
        base = np.repeat([0.0, 1.5, 2.0, 3.0], 6)
        near = np.concatenate([near, beside], axis=1)
        near_cost = np.concatenate([near_cost, base + 0.8 + 1.2 * np.tile(np.abs(slide), 4)])
    far, far_cost = [], []
    for ring_angles, count_radii, cos, sin, rad, upright, ang_base in _ring_points(
            r, gap, reach, diagonal, tuple(angles)):
        # Angle preference: right and up read naturally; ties broken by angle order.
        ang_cost = ang_base
        if np.hypot(*outward) > 1e-9:
            phi = np.arctan2(outward[1], outward[0])
            ang_cost = ang_cost * 0.3 + _OUTWARD * (1 - np.cos(ring_angles - phi))
        xy = np.stack([cos * (rad + w), sin * (rad + h)], axis=2)
        # Boxes above or below slide sideways so the leader stays short and upright.
        xy[:, :, 0] -= np.clip(xy[:, :, 0], -w + radius, w - radius) * upright
        far.append(xy)
        far_cost.append(_LEADER_BASE + np.tile(ang_cost, count_radii) * rad)
    offsets = np.concatenate([near, *far], axis=1)
    each = offsets.shape[1]
    cost = np.tile(np.concatenate([near_cost, *far_cost]), count)
    leader = np.ones((count, each), dtype=bool)
    leader[:, :near.shape[1]] = False
    return (offsets.reshape(-1, 2), cost, leader.reshape(-1),
            np.repeat(np.arange(count), each))


class _Solver:
    """Every label's candidates in flat arrays, what each costs, and the current picture.

    ``acc[g]`` is what candidate ``g`` costs its label given where the other labels are
    now: its own cost plus what each placed label costs it. What a label placed at a
    candidate costs the candidates of all other labels is computed once (one vectorised
    pass) and kept, so moving a label is a subtraction and an addition, and finding a
    label's best place an argmin over its slice of ``acc``.
    """

    def __init__(self, anchors, halves, radii, bounds, soft, gap, on_anchor, max_leader,
                 thresholds, fixed):
        self.anchors = anchors
        self.halves = halves
        self.radii = radii
        self.bounds = bounds
        self.soft = soft
        self.gap = gap
        self.on_anchor = on_anchor
        self.max_leader = max_leader
        self.thresholds = thresholds
        self.markers = _boxes(anchors, np.repeat(radii[:, None], 2, axis=1))
        n = self.n = len(anchors)
        x0, y0, x1, y1 = bounds
        self.diagonal = float(np.hypot(x1 - x0, y1 - y0))
        self.outward = anchors - anchors.mean(axis=0) if n else anchors
        # Fewer directions when there are many labels: the search stays about as long.
        self.angles = np.deg2rad(np.arange(0, 360, 10 if n <= 30 else 15 if n <= 60 else 20))
        self.fixed = np.zeros(n, dtype=bool)
        variants = self._fixed_variants(fixed)
        free = [i for i in range(n) if i not in fixed]
        parts = dict(zip(free, self._candidates(free), strict=True))
        for i in fixed:
            self.fixed[i] = True
            parts[i] = self._fixed_candidate(i, np.asarray(fixed[i], float), variants[i])
        parts = [parts[i] for i in range(n)]
        sizes = [len(p[0]) for p in parts]
        self.off = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        fields = list(zip(*parts, strict=True)) if parts else [[]] * 6
        (self.centers, self.boxes, self.variant, self.leader, self.target, self.cost) = (
            np.concatenate(f) if len(f) else np.zeros(0) for f in fields)
        self.centers = self.centers.reshape(-1, 2)
        self.boxes = self.boxes.reshape(-1, 4)
        self.target = self.target.reshape(-1, 2)
        self.leader = self.leader.astype(bool)
        self.variant = self.variant.astype(int)
        self.owner = np.repeat(np.arange(n), sizes)
        self.start = anchors[self.owner] if n else np.zeros((0, 2))
        # What a candidate's box and leader cover: a first, cheap test of any contact.
        self.extent = np.concatenate([np.minimum(self.boxes[:, :2], self.start),
                                      np.maximum(self.boxes[:, 2:], self.start)], axis=1)
        # Each leader's bounding box (an empty one without a leader): most of what a
        # contribution tests is ruled out by these boxes before the exact tests.
        self.leader_box = np.concatenate([np.minimum(self.start, self.target),
                                          np.maximum(self.start, self.target)], axis=1)
        self.leader_box[~self.leader] = (np.inf, np.inf, -np.inf, -np.inf)
        # The same by column (contiguous): each contribution compares all of them.
        self.extent_columns = _columns(self.extent)
        self.box_columns = _columns(self.boxes)
        self.leader_box_columns = _columns(self.leader_box)
        self.leader_columns = _columns(np.concatenate([self.start, self.target], axis=1))
        self.acc = self.cost.copy()
        self.ovl = np.zeros(len(self.cost))  # how many placed labels each box overlaps
        self.weight = _ILLEGAL  # what one overlap costs
        self.pos = np.full(n, -1)
        self._contribution: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    # ----------------------------------------------------------------- candidates

    def _fixed_variants(self, fixed: Mapping[int, np.ndarray]) -> dict[int, int]:
        """The size (line breaks) of each editor's label: the first that overlaps least
        the area's edge, the markers and the other editor's labels, each label given the
        others' current sizes, for a few rounds. (Positions are kept, sizes are not: a
        picture pinned where it was drawn comes back without overlaps.)"""
        centers = {i: np.asarray(c, float) for i, c in fixed.items()}
        boxes = {i: _boxes(np.broadcast_to(c, (len(self.halves[i]), 2)), self.halves[i])
                 for i, c in centers.items()}
        x0, y0, x1, y1 = self.bounds
        outside = {i: ((b[:, 0] < x0) | (b[:, 1] < y0) | (b[:, 2] > x1) | (b[:, 3] > y1))
                   for i, b in boxes.items()}
        chosen = dict.fromkeys(fixed, 0)
        for _round in range(3):
            changed = False
            for i in sorted(fixed):
                others = [boxes[j][chosen[j]] for j in sorted(fixed) if j != i]
                obstacles = np.concatenate([self.markers, np.array(others).reshape(-1, 4)])
                clash = boxes_overlap(boxes[i], obstacles).sum(axis=1) + 10 * outside[i]
                best = int(np.argmin(clash))
                if clash[best] < clash[chosen[i]]:
                    chosen[i], changed = best, True
            if not changed:
                break
        return chosen

    def _fixed_candidate(self, i: int, center: np.ndarray, variant: int):
        """An editor's place: the only candidate, with a leader when away from the point."""
        box = _boxes(center[None, :], self.halves[i][variant : variant + 1])
        target = leader_target(self.anchors[i], box)
        far = float(np.hypot(*(target[0] - self.anchors[i]))) - self.radii[i] > self.gap * 3
        return center[None, :], box, np.array([variant]), np.array([far]), target, np.zeros(1)

    def _candidates(self, labels: list[int]) -> list[tuple]:
        """Each of ``labels``' candidates: centres, boxes, variants, leader flags, leader
        ends and what each costs on its own (sorted cheapest first), label by label.

        The tests against the markers are made for many labels at once (in chunks of
        about a million candidate-marker pairs): one label at a time, numpy's overhead
        was most of the cost."""
        found = []
        chunk = max(1, 1_000_000 // max(1, self.n * 400))
        for k in range(0, len(labels), chunk):
            found.extend(self._candidates_of(labels[k:k + chunk]))
        return found

    def _candidates_of(self, labels: list[int]) -> list[tuple]:
        """:meth:`_candidates` for a few labels in one pass."""
        raw = []
        for i in labels:
            reach = self.max_leader * 1.15 + self.radii[i]
            raw.append(_offsets(self.halves[i], self.radii[i], self.gap, reach, self.diagonal,
                                self.outward[i], self.on_anchor, self.angles))
        if not raw:
            return []
        owner = np.repeat(labels, [len(r[0]) for r in raw])
        offsets = np.concatenate([r[0] for r in raw])
        cost = np.concatenate([r[1] for r in raw])
        leader = np.concatenate([r[2] for r in raw])
        variant = np.concatenate([r[3] for r in raw])
        half = np.concatenate([self.halves[i][r[3]] for i, r in zip(labels, raw, strict=True)])
        anchor, radius = self.anchors[owner], self.radii[owner]
        cost = cost + _VARIANT * variant
        centers = anchor + offsets
        boxes = _boxes(centers, half)
        x0, y0, x1, y1 = self.bounds
        inside = (boxes[:, 0] >= x0) & (boxes[:, 1] >= y0) & (boxes[:, 2] <= x1) & (boxes[:, 3] <= y1)
        clash = np.zeros(len(boxes))
        among = np.flatnonzero(inside)
        overlaps = boxes_overlap(boxes[among], self.markers)
        if self.on_anchor:  # a badge may cover its own point
            overlaps[np.arange(len(among)), owner[among]] = False
        clash[among] = overlaps.sum(axis=1)
        legal = inside & (clash == 0)
        # A label with no legal place keeps everything, dearer the more it overlaps.
        stuck = np.bincount(owner, weights=legal, minlength=self.n)[owner] == 0
        keep = legal | stuck
        cost = cost + np.where(stuck, _ILLEGAL * (clash + 10 * ~inside), 0.0)
        centers, boxes, cost, owner = centers[keep], boxes[keep], cost[keep], owner[keep]
        leader, variant, anchor, radius = leader[keep], variant[keep], anchor[keep], radius[keep]
        target = leader_target(anchor, boxes)
        length = np.hypot(*(target - anchor).T) - radius
        cost = cost + np.where(leader, length, 0.0)
        cost += np.where(leader & (length > self.max_leader), _LONG_LEADER + 2 * length, 0.0)
        if len(self.soft):
            cost += _BOX_ON_LINE * segments_hit_boxes(
                self.soft[:, :2], self.soft[:, 2:], boxes).sum(axis=0)
        cost += _WRONG_SIDE * self._wrong_sides(anchor, boxes)
        li = np.flatnonzero(leader)
        if len(li):
            hits = segments_hit_boxes(anchor[li], target[li], self.markers)
            hits[np.arange(len(li)), owner[li]] = False  # its own marker, where it starts
            cost[li] += _LEADER_CROSSES_MARKER * hits.sum(axis=1)
        o = np.lexsort((cost, owner))  # label by label, cheapest first (stable)
        bounds = np.searchsorted(owner[o], labels + [self.n], side="left")
        return [tuple(a[o[lo:hi]] for a in (centers, boxes, variant, leader, target, cost))
                for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]

    def _wrong_sides(self, anchors: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """How many threshold lines each box is not wholly on its anchor's side of (one
        anchor per box)."""
        wrong = np.zeros(len(boxes))
        for axis, line in enumerate(self.thresholds):
            if line is None:
                continue
            at = anchors[:, axis]
            # A point on the line may be labelled on either side.
            wrong += np.where(np.abs(at - line) < 0.5, False,
                              np.where(at > line, boxes[:, axis] < line, boxes[:, axis + 2] > line))
        return wrong

    # ----------------------------------------------------------------- costs

    def contribution(self, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What a label at candidate ``g`` costs the other labels' candidates: their
        indices (ascending), costs and overlaps where not zero. (Symmetric: what each of
        them would cost it.)"""
        found = self._contribution.get(g)
        if found is not None:
            return found
        j = self.owner[g]
        box = self.boxes[g]
        reach = self.extent[g] if self.leader[g] else box
        x0, y0, x1, y1 = self.extent_columns
        close = (x0 < reach[2]) & (x1 > reach[0]) & (y0 < reach[3]) & (y1 > reach[1])
        close[self.off[j]:self.off[j + 1]] = False
        near = np.flatnonzero(close)
        bx0, by0, bx1, by1 = (column[near] for column in self.box_columns)
        overlap = ((bx0 < box[2]) & (bx1 > box[0]) & (by0 < box[3]) & (by1 > box[1])).astype(float)
        cost = np.zeros(len(near))
        sx, sy, tx, ty = self.leader_columns
        # Their leaders through this box (only those whose bounding box meets it).
        lx0, ly0, lx1, ly1 = (column[near] for column in self.leader_box_columns)
        mine = np.flatnonzero((lx0 < box[2]) & (lx1 > box[0]) & (ly0 < box[3]) & (ly1 > box[1]))
        if len(mine):
            m = near[mine]
            cost[mine] += _LEADER_ON_LABEL * _straddle(sx[m], sy[m], tx[m], ty[m], *box)
        if self.leader[g]:
            (ax, ay), (bx, by) = self.start[g], self.target[g]
            own = self.leader_box[g]
            under = np.flatnonzero((bx0 < own[2]) & (bx1 > own[0]) & (by0 < own[3]) & (by1 > own[1]))
            if len(under):
                cost[under] += _LEADER_ON_LABEL * _straddle(
                    ax, ay, bx, by, bx0[under], by0[under], bx1[under], by1[under])
            # Two leaders cross only where their bounding boxes meet.
            meet = np.flatnonzero((lx0 <= own[2]) & (lx1 >= own[0])
                                  & (ly0 <= own[3]) & (ly1 >= own[1]))
            if len(meet):
                m = near[meet]
                cost[meet] += _LEADER_CROSSES_LEADER * _crossing_one(
                    sx[m], sy[m], tx[m], ty[m], self.start[g], self.target[g])
        some = (cost > 0) | (overlap > 0)
        found = self._contribution[g] = (near[some], cost[some], overlap[some])
        return found

    def put(self, i: int, g: int, touched: bool = False) -> np.ndarray | None:
        """Move label ``i`` to candidate ``g`` (-1: take it off); with ``touched``,
        return the labels whose costs changed."""
        old = int(self.pos[i])
        if old == g:
            return np.zeros(0, dtype=int) if touched else None
        changed = []
        if old >= 0:
            idx, val, overlap = self.contribution(old)
            self.acc[idx] -= val
            self.ovl[idx] -= overlap
            changed.append(idx)
        if g >= 0:
            idx, val, overlap = self.contribution(g)
            self.acc[idx] += val
            self.ovl[idx] += overlap
            changed.append(idx)
        self.pos[i] = g
        if not touched:
            return None
        return np.unique(self.owner[np.concatenate(changed)]) if changed else np.zeros(0, int)

    def reset(self) -> None:
        """Take every movable label off (editors' labels stay)."""
        self.acc = self.cost.copy()
        self.ovl = np.zeros(len(self.cost))
        self.pos[:] = -1
        for i in np.flatnonzero(self.fixed):
            self.put(int(i), int(self.off[i]))

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where every label is and what every candidate costs, to go back to with
        :meth:`restore`."""
        return self.pos.copy(), self.acc.copy(), self.ovl.copy()

    def restore(self, saved: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        """Go back to a :meth:`snapshot`: three array copies, where taking each moved
        label off and putting it back costs two updates per label (an ejection that
        fails moves several, and most fail)."""
        self.pos[:], self.acc[:], self.ovl[:] = saved

    def best(self, i: int) -> tuple[int, float]:
        """Label ``i``'s cheapest candidate (first of equals) and its cost."""
        a, b = self.off[i], self.off[i + 1]
        total = self.acc[a:b] + self.weight * self.ovl[a:b]
        k = int(np.argmin(total))
        return a + k, float(total[k])

    def cost_now(self, i: int) -> float:
        """What label ``i`` costs where it is now."""
        g = self.pos[i]
        return float(self.acc[g] + self.weight * self.ovl[g])

    def total(self) -> float:
        """The whole picture's cost (what two labels cost each other counts twice)."""
        placed = self.pos[self.pos >= 0]
        return float(self.acc[placed].sum() + self.weight * self.ovl[placed].sum())

    def costs_from(self, g: int, i: int) -> np.ndarray:
        """What a label at candidate ``g`` costs each of label ``i``'s candidates."""
        idx, val, overlap = self.contribution(g)
        a, b = self.off[i], self.off[i + 1]
        lo, hi = np.searchsorted(idx, (a, b))
        dense = np.zeros(b - a)
        dense[idx[lo:hi] - a] = val[lo:hi] + self.weight * overlap[lo:hi]
        return dense

    def swap(self, i: int, j: int) -> tuple[int, int, float]:
        """Where two placed labels would go if they traded places, and what the two would
        then cost, computed without moving them: each takes its candidate nearest to
        where the other is, then ``i`` and after it ``j`` settle at their cheapest."""
        pi, pj = int(self.pos[i]), int(self.pos[j])
        ai, aj = self.off[i], self.off[j]
        bi, bj = self.off[i + 1], self.off[j + 1]
        # Each one's costs with the other taken off.
        alone_i = self.acc[ai:bi] + self.weight * self.ovl[ai:bi] - self.costs_from(pj, i)
        alone_j = self.acc[aj:bj] + self.weight * self.ovl[aj:bj] - self.costs_from(pi, j)
        ki = int(np.argmin(np.hypot(*(self.centers[ai:bi] - self.centers[pj]).T)))
        kj = int(np.argmin(np.hypot(*(self.centers[aj:bj] - self.centers[pi]).T)))
        cost_i = alone_i + self.costs_from(aj + kj, i)
        k = int(np.argmin(cost_i))
        if cost_i[k] < cost_i[ki] - 1e-6:
            ki = k
        cost_j = alone_j + self.costs_from(ai + ki, j)
        k = int(np.argmin(cost_j))
        if cost_j[k] < cost_j[kj] - 1e-6:
            kj = k
        final_i = alone_i[ki] + self.costs_from(aj + kj, i)[ki]
        return ai + ki, aj + kj, float(final_i + cost_j[kj])

    # ----------------------------------------------------------------- picture

    def crossing_pairs(self) -> list[tuple[int, int]]:
        """Pairs of labels whose leaders cross."""
        ids = np.array([i for i in range(self.n)
                        if self.pos[i] >= 0 and self.leader[self.pos[i]]], dtype=int)
        g = self.pos[ids]
        p0, p1 = self.start[g], self.target[g]
        cross = np.triu(segments_cross(p0, p1, p0, p1), 1)
        return [(int(ids[a]), int(ids[b])) for a, b in np.argwhere(cross)]

    def overlapping(self, g: int) -> list[int]:
        """The placed labels whose boxes candidate ``g`` overlaps."""
        placed = np.flatnonzero(self.pos >= 0)
        hit = boxes_overlap(self.boxes[g][None, :], self.boxes[self.pos[placed]])[0]
        return [int(j) for j in placed[hit] if j != self.owner[g]]


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
    ``_SMALL``) stops after its construction when a label found no legal place there:
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
    solver = _Solver(anchors, halves, radii, bounds, soft.reshape(-1, 4), gap, on_anchor,
                     max_leader, tuple(thresholds), fixed)
    _search(solver, movable, refine_budget, give_up_if_illegal)

    g = solver.pos
    ok = np.array([solver.fixed[i] or solver.cost_now(i) < _ILLEGAL for i in range(n)], bool)
    return Placement(centers=solver.centers[g].reshape(-1, 2), leader=solver.leader[g],
                     ok=ok, variant=solver.variant[g], crossings=len(solver.crossing_pairs()))


def _search(solver: _Solver, movable: list[int], refine_budget: int,
            give_up_if_illegal: bool = False) -> None:
    """Greedy construction, squeaky-wheel rounds, ejections and uncrossing."""
    n, anchors, halves, radii = solver.n, solver.anchors, solver.halves, solver.radii
    # The labels with the fewest good places first (a point in a corner or a crowd),
    # then the crowded points: they need the few spots right next to them.
    dist = np.hypot(*(anchors[:, None, :] - anchors[None, :, :]).transpose(2, 0, 1))
    tall = np.array([h[0, 1] * 2 for h in halves]) if n else np.zeros(0)
    crowd = (dist < 4 * (tall[:, None] + radii[:, None])).sum(axis=1)
    good = [int((solver.cost[solver.off[i]:solver.off[i + 1]] < _GOOD).sum()) for i in range(n)]
    order = sorted(movable, key=lambda i: (good[i], -crowd[i], i))

    best_pos, best_total = None, np.inf
    seen: set[tuple[int, ...]] = set()
    # Many labels: one construction and no ejections, or the search takes seconds.
    small = n <= _SMALL
    for _round in range(_ROUNDS if small else 1):
        seen.add(tuple(order))
        solver.reset()
        for i in order:
            solver.put(i, solver.best(i)[0])
        _refine(solver, order, refine_budget)
        if give_up_if_illegal and not small and any(
                solver.cost_now(i) >= _ILLEGAL for i in movable):
            return
        total = solver.total()
        if total < best_total - 1e-6:
            best_pos, best_total = solver.pos.copy(), total
        # Squeaky wheel: the labels placed badly this time go first next time.
        blame = {i: solver.cost_now(i) >= _GOOD for i in order}
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


def _refine(solver: _Solver, order: list[int], budget: int) -> None:
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


def _eject(solver: _Solver, movable: list[int], tries: int = 6, most: int = 2) -> bool:
    """Give a badly placed label a better place that up to ``most`` other labels hold,
    find those new places, and keep the change when the total drops.

    Returns whether anything moved."""
    moved = False
    costs = {i: solver.cost_now(i) for i in movable}
    for i in sorted((i for i in movable if costs[i] >= _GOOD), key=lambda i: (-costs[i], i)):
        now = solver.cost_now(i)
        if now < _GOOD:
            continue
        a, b = solver.off[i], solver.off[i + 1]
        own = solver.cost[a:b]  # sorted cheapest first
        attempts = 0
        for g in range(a, a + int(np.searchsorted(own, now - _GOOD / 2))):
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


def _uncross(solver: _Solver) -> bool:
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
