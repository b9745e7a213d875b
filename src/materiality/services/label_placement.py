"""Deterministic label placement for scatter charts, in display (pixel) coordinates.

Each label is a box of known size that belongs to an anchor point drawn as a round
marker. Boxes must not overlap one another, any marker, or leave the plotting area
(hard rules). Among the positions that obey them, a label prefers to sit right next to
its own point; failing that it goes further out on rings around the point and gets a
leader line. Leader lines that cross markers or labels, and labels lying on threshold
lines, error bars or other leaders, are penalised (soft rules).

The search is greedy (most crowded points first) followed by a bounded number of
re-placement passes, with no randomness and no time limit, so the same input always
gives the same output. Pure numpy; no matplotlib.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

#: Legal positions get the (costlier) soft-rule check in chunks of this size, cheapest first.
_SOFT_CHUNK = 96
#: Penalties, in pixel-equivalents of leader length.
_LEADER_BASE = 12.0
_LEADER_CROSSES_MARKER = 400.0
_LEADER_CROSSES_LABEL = 150.0
_LEADER_CROSSES_LEADER = 60.0
_BOX_ON_LEADER = 150.0
_BOX_ON_LINE = 45.0
#: Far positions prefer pointing away from the crowd (radial leaders rarely cross).
_OUTWARD = 0.35


@dataclass
class Placement:
    """Result of :func:`place_labels`, in display coordinates.

    ``centers`` are the label box centres; ``leader[i]`` says whether label ``i`` sits
    away from its point and needs a leader line; ``ok[i]`` is False when no legal
    position was found (the label was then put where it overlaps least).
    """

    centers: np.ndarray
    leader: np.ndarray
    ok: np.ndarray


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
    """Return an (len(p0), len(boxes)) matrix: does segment p0→p1 cross the box (slab test)."""
    if len(p0) == 0 or len(boxes) == 0:
        return np.zeros((len(p0), len(boxes)), dtype=bool)
    d = (p1 - p0)[:, None, :]
    o = p0[:, None, :]
    lo = boxes[None, :, :2]
    hi = boxes[None, :, 2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(np.abs(d) > 1e-12, 1.0 / np.where(d == 0, 1.0, d), np.inf)
        t1 = (lo - o) * inv
        t2 = (hi - o) * inv
    tmin = np.minimum(t1, t2)
    tmax = np.maximum(t1, t2)
    # A zero-length direction: inside the slab on that axis iff lo <= o <= hi.
    flat = np.abs(d) <= 1e-12
    inside = (o >= lo) & (o <= hi)
    tmin = np.where(flat, np.where(inside, -np.inf, np.inf), tmin)
    tmax = np.where(flat, np.where(inside, np.inf, -np.inf), tmax)
    enter = np.maximum(tmin.max(axis=2), 0.0)
    leave = np.minimum(tmax.min(axis=2), 1.0)
    return enter < leave


def _boxes(centers: np.ndarray, half: np.ndarray) -> np.ndarray:
    return np.concatenate([centers - half, centers + half], axis=1)


def _candidates(
    anchor: np.ndarray,
    half: np.ndarray,
    radius: float,
    gap: float,
    reach: float,
    outward: np.ndarray,
    on_anchor: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate centres around ``anchor`` with a base cost and a needs-leader flag."""
    w, h = half
    if on_anchor:  # a badge drawn over its own point: the point itself, then nearby
        radius = 0.0
    r = radius + gap
    d = r * 0.7071
    near = np.array(
        [
            (r + w, 0.0),  # right
            (-(r + w), 0.0),  # left
            (0.0, r + h),  # above
            (0.0, -(r + h)),  # below
            (d + w, d + h),  # upper right
            (-(d + w), d + h),  # upper left
            (d + w, -(d + h)),  # lower right
            (-(d + w), -(d + h)),  # lower left
            (w - radius, r + h),  # above, starting at the point
            (radius - w, r + h),  # above, ending at the point
            (w - radius, -(r + h)),  # below, starting at the point
            (radius - w, -(r + h)),  # below, ending at the point
            (r + w, 0.6 * h),  # right, a little higher
            (r + w, -0.6 * h),  # right, a little lower
            (-(r + w), 0.6 * h),  # left, a little higher
            (-(r + w), -0.6 * h),  # left, a little lower
        ]
    )
    near_cost = np.array(
        [0, 1.5, 2, 3, 2.5, 3.5, 4, 4.5, 2.2, 2.7, 3.2, 3.7, 1.0, 1.2, 2.0, 2.2], dtype=float
    )
    angles = np.deg2rad(np.arange(0, 360, 15))
    # Angle preference: right and up read naturally; ties broken by angle order.
    ang_cost = 0.15 * (1 - np.cos(angles)) + 0.05 * (1 - np.sin(angles))
    if np.hypot(*outward) > 1e-9:
        phi = np.arctan2(outward[1], outward[0])
        ang_cost = ang_cost * 0.3 + _OUTWARD * (1 - np.cos(angles - phi))
    step = max(gap * 2.5, 4.0)
    radii = []
    rr = r + step
    while rr < reach:
        radii.append(rr)
        rr += max(step, rr * 0.06)
    radii = np.array(radii)
    if len(radii):
        cos = np.tile(np.cos(angles), len(radii))
        sin = np.tile(np.sin(angles), len(radii))
        rad = np.repeat(radii, len(angles))
        far = np.stack([cos * (rad + w), sin * (rad + h)], axis=1)
        far_cost = rad - r + _LEADER_BASE + np.tile(ang_cost, len(radii)) * rad
    else:
        far = np.zeros((0, 2))
        far_cost = np.zeros(0)
    if on_anchor:
        near, near_cost = np.zeros((1, 2)), np.zeros(1)
    offsets = np.concatenate([near, far])
    cost = np.concatenate([near_cost, far_cost])
    leader = np.concatenate([np.zeros(len(near), bool), np.ones(len(far), bool)])
    return anchor + offsets, cost, leader


def _leader_ends(anchor: np.ndarray, radius: float, boxes: np.ndarray):
    """Leader segments from the marker edge to the nearest point of each box."""
    target = np.stack(
        [
            np.clip(anchor[0], boxes[:, 0], boxes[:, 2]),
            np.clip(anchor[1], boxes[:, 1], boxes[:, 3]),
        ],
        axis=1,
    )
    vec = target - anchor
    length = np.maximum(np.hypot(vec[:, 0], vec[:, 1]), 1e-9)
    start = anchor + vec * (radius / length)[:, None]
    return start, target


class _Solver:
    """State of one placement run: fixed obstacles plus the labels placed so far."""

    def __init__(self, anchors, half, radii, bounds, soft_segments, gap, on_anchor=False):
        self.on_anchor = on_anchor
        self.anchors = anchors
        self.half = half
        self.radii = radii
        self.bounds = bounds
        self.gap = gap
        self.markers = _boxes(anchors, np.repeat(radii[:, None], 2, axis=1))
        self.soft = soft_segments.reshape(-1, 4)
        n = len(anchors)
        self.centers = np.full((n, 2), np.nan)
        self.leader = np.zeros(n, dtype=bool)
        self.placed = np.zeros(n, dtype=bool)
        self.segments = np.zeros((n, 4))
        x0, y0, x1, y1 = bounds
        self.reach = float(np.hypot(x1 - x0, y1 - y0))
        self.outward = anchors - anchors.mean(axis=0) if n else anchors

    def label_boxes(self, mask):
        return _boxes(self.centers[mask], self.half[mask])

    def leader_segments(self, exclude: int) -> np.ndarray:
        """Leader segments (x0, y0, x1, y1) of the placed labels other than ``exclude``."""
        keep = self.placed & self.leader
        keep[exclude] = False
        return self.segments[keep]

    def best(self, i: int) -> tuple[np.ndarray, bool, bool, float]:
        """Best position for label ``i``: (centre, needs leader, legal, cost)."""
        anchor, half, radius = self.anchors[i], self.half[i], self.radii[i]
        centers, cost, leader = _candidates(
            anchor, half, radius, self.gap, self.reach, self.outward[i], self.on_anchor
        )
        boxes = _boxes(centers, np.broadcast_to(half, centers.shape))
        x0, y0, x1, y1 = self.bounds
        inside = (
            (boxes[:, 0] >= x0) & (boxes[:, 1] >= y0) & (boxes[:, 2] <= x1) & (boxes[:, 3] <= y1)
        )
        others = self.placed.copy()
        others[i] = False
        label_boxes = self.label_boxes(others)
        markers = np.delete(self.markers, i, axis=0) if self.on_anchor else self.markers
        obstacles = np.concatenate([markers, label_boxes])
        clash = np.zeros(len(boxes), dtype=int)
        clash[inside] = boxes_overlap(boxes[inside], obstacles).sum(axis=1)
        legal = inside & (clash == 0)
        if not legal.any():
            clash = boxes_overlap(boxes, obstacles).sum(axis=1)
            # Nothing legal: least overlap inside the area, then cheapest.
            score = clash + np.where(inside, 0, 1000) + cost * 1e-6
            k = int(np.argmin(score))
            return centers[k], bool(leader[k]), False, float("inf")
        idx = np.flatnonzero(legal)
        idx = idx[np.argsort(cost[idx], kind="stable")]
        # Penalties are never negative: once the base cost alone exceeds the best total
        # found so far, no later (dearer) candidate can win.
        best_total, best_k = np.inf, -1
        for chunk in range(0, len(idx), _SOFT_CHUNK):
            part = idx[chunk : chunk + _SOFT_CHUNK]
            if cost[part[0]] >= best_total:
                break
            total = cost[part] + self._soft_penalty(i, boxes[part], leader[part], label_boxes)
            j = int(np.argmin(total))
            if total[j] < best_total:
                best_total, best_k = float(total[j]), int(part[j])
        return centers[best_k], bool(leader[best_k]), True, best_total

    def _soft_penalty(self, i, boxes, leader, label_boxes):
        penalty = np.zeros(len(boxes))
        lead = self.leader_segments(exclude=i)
        for segs, weight in ((self.soft, _BOX_ON_LINE), (lead, _BOX_ON_LEADER)):
            if len(segs):
                on_seg = segments_hit_boxes(segs[:, :2], segs[:, 2:], boxes).sum(axis=0)
                penalty += weight * on_seg
        if leader.any():
            li = np.flatnonzero(leader)
            start, end = _leader_ends(self.anchors[i], self.radii[i], boxes[li])
            other_markers = np.delete(self.markers, i, axis=0)
            penalty[li] += _LEADER_CROSSES_MARKER * segments_hit_boxes(
                start, end, other_markers
            ).sum(axis=1)
            penalty[li] += _LEADER_CROSSES_LABEL * segments_hit_boxes(start, end, label_boxes).sum(
                axis=1
            )
            if len(lead):
                penalty[li] += _LEADER_CROSSES_LEADER * _segments_cross(start, end, lead).sum(
                    axis=1
                )
        return penalty

    def put(self, i, center, leader):
        self.centers[i] = center
        self.leader[i] = leader
        self.placed[i] = True
        start, end = _leader_ends(
            self.anchors[i], self.radii[i], _boxes(center[None], self.half[i][None])
        )
        self.segments[i] = np.concatenate([start[0], end[0]])


def _segments_cross(p0, p1, segs):
    """(len(p0), len(segs)) matrix: do the segments properly intersect."""
    q0, q1 = segs[None, :, :2], segs[None, :, 2:]
    a0, a1 = p0[:, None, :], p1[:, None, :]

    def orient(p, q, r):
        return np.sign(
            (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
            - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
        )

    return (orient(a0, a1, q0) * orient(a0, a1, q1) < 0) & (
        orient(q0, q1, a0) * orient(q0, q1, a1) < 0
    )


def place_labels(
    anchors: np.ndarray,
    sizes: np.ndarray,
    radii: np.ndarray,
    bounds: tuple[float, float, float, float],
    fixed: Mapping[int, tuple[float, float]] | None = None,
    soft_segments: np.ndarray | None = None,
    gap: float = 2.0,
    refine_budget: int = 400,
    on_anchor: bool = False,
) -> Placement:
    """Place one label per anchor; all arguments in display coordinates (pixels).

    ``sizes`` are label (width, height) including any padding; ``radii`` the marker
    radii (plus padding); ``bounds`` the allowed area (x0, y0, x1, y1); ``fixed`` maps a
    label index to a centre chosen by an editor (kept as is, and avoided by the others);
    ``soft_segments`` are (x0, y0, x1, y1) lines that labels should rather not cover;
    ``refine_budget`` caps the re-placement attempts after the greedy pass;
    ``on_anchor`` places badges (numbered circles) over their own point when it is free,
    else as close as possible with a leader.
    """
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    half = np.asarray(sizes, dtype=float).reshape(-1, 2) / 2.0
    radii = np.asarray(radii, dtype=float).reshape(-1)
    soft = np.zeros((0, 4)) if soft_segments is None else np.asarray(soft_segments, float)
    solver = _Solver(anchors, half, radii, bounds, soft, gap, on_anchor)
    n = len(anchors)
    ok = np.ones(n, dtype=bool)
    fixed = dict(fixed or {})
    for i, center in sorted(fixed.items()):
        center = np.asarray(center, dtype=float)
        box = _boxes(center[None, :], half[i][None, :])
        start, end = _leader_ends(anchors[i], radii[i], box)
        far = float(np.hypot(*(end[0] - start[0]))) > gap * 3
        solver.put(i, center, far)

    # Crowded points first: they need the few spots right next to them.
    dist = np.hypot(*(anchors[:, None, :] - anchors[None, :, :]).transpose(2, 0, 1))
    crowd = (dist < 4 * (half[:, 1:2] * 2 + radii[:, None])).sum(axis=1)
    order = [i for i in sorted(range(n), key=lambda i: (-crowd[i], i)) if i not in fixed]
    for i in order:
        center, leader, legal, _ = solver.best(i)
        solver.put(i, center, leader)
        ok[i] = legal

    # Refinement: re-place each label against all the others (its current spot is one of
    # its candidates, so a move is always an improvement) until nothing moves or the
    # budget of attempts runs out.
    budget = refine_budget
    moved = True
    while moved and budget > 0:
        moved = False
        for i in order:
            if budget <= 0:
                break
            budget -= 1
            center, leader, legal, _ = solver.best(i)
            if legal and not np.allclose(center, solver.centers[i]):
                solver.put(i, center, leader)
                ok[i] = True
                moved = True
    return Placement(centers=solver.centers, leader=solver.leader, ok=ok)
