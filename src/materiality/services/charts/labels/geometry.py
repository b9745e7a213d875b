"""Boxes and segments in display coordinates: overlaps, crossings, leaders' ends."""

from __future__ import annotations

import numpy as np


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
    hit[rows, cols] = straddle(p0[rows, 0], p0[rows, 1], p1[rows, 0], p1[rows, 1],
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


def crossing_one(p0x, p0y, p1x, p1y, q0, q1) -> np.ndarray:
    """:func:`segments_cross` of many segments (by column) with the one q0→q1, by the
    same arithmetic, without the broadcasting."""
    dx, dy = p1x - p0x, p1y - p0y
    ex, ey = q1[0] - q0[0], q1[1] - q0[1]
    o1 = np.sign(dx * (q0[1] - p0y) - dy * (q0[0] - p0x))
    o2 = np.sign(dx * (q1[1] - p0y) - dy * (q1[0] - p0x))
    o3 = np.sign(ex * (p0y - q0[1]) - ey * (p0x - q0[0]))
    o4 = np.sign(ex * (p1y - q0[1]) - ey * (p1x - q0[0]))
    return (o1 * o2 < 0) & (o3 * o4 < 0)


def straddle(ax, ay, bx, by, x0, y0, x1, y1) -> np.ndarray:
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


def columns(rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """A 2-d array's columns, each contiguous (fast to compare and to index)."""
    return tuple(np.ascontiguousarray(rows[:, k]) for k in range(rows.shape[1]))


def boxes_around(centers: np.ndarray, half: np.ndarray) -> np.ndarray:
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
