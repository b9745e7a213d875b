"""Where a label may go: offsets from its point, next to it and on rings around it,
each with its own cost (the same rings for every label of a chart)."""

from __future__ import annotations

import functools

import numpy as np

from .costs import FAR_ANGLES, LEADER_BASE, OUTWARD


def rings(start: float, stop: float, step: float, growth: float) -> list[float]:
    radii, rr = [], start
    while rr < stop:
        radii.append(rr)
        rr += max(step, rr * growth)
    return radii


@functools.lru_cache(maxsize=64)
def ring_points(r: float, gap: float, reach: float, diagonal: float | None,
                 angles: tuple[float, ...]) -> list[tuple]:
    """The rings' directions and radii, the same for every label of a chart: fine rings
    at ``angles`` out to ``reach``, coarse ones every 30° beyond it to ``diagonal``.
    Per ring set: its angles, how many radii, each point's cosine, sine and radius, whether
    it lies above or below, and the angle's own cost. (Kept: treat as read-only.)"""
    step = max(gap * 2.5, 6.0)
    fine = rings(r + step, reach, step, 0.12)
    coarse = rings(max(reach, r + step), diagonal, step, 0.3) if diagonal else []
    found = []
    for radii, ring_angles in ((fine, np.array(angles)), (coarse, FAR_ANGLES)):
        if not radii:
            continue
        sin = np.tile(np.sin(ring_angles), len(radii))
        found.append((ring_angles, len(radii), np.tile(np.cos(ring_angles), len(radii)), sin,
                      np.repeat(radii, len(ring_angles)), np.abs(sin) > 0.9,
                      0.15 * (1 - np.cos(ring_angles)) + 0.05 * (1 - np.sin(ring_angles))))
    return found


def candidate_offsets(halves, radius, gap, reach, diagonal, outward, on_anchor, angles):
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
    for ring_angles, count_radii, cos, sin, rad, upright, ang_base in ring_points(
            r, gap, reach, diagonal, tuple(angles)):
        # Angle preference: right and up read naturally; ties broken by angle order.
        ang_cost = ang_base
        if np.hypot(*outward) > 1e-9:
            phi = np.arctan2(outward[1], outward[0])
            ang_cost = ang_cost * 0.3 + OUTWARD * (1 - np.cos(ring_angles - phi))
        xy = np.stack([cos * (rad + w), sin * (rad + h)], axis=2)
        # Boxes above or below slide sideways so the leader stays short and upright.
        xy[:, :, 0] -= np.clip(xy[:, :, 0], -w + radius, w - radius) * upright
        far.append(xy)
        far_cost.append(LEADER_BASE + np.tile(ang_cost, count_radii) * rad)
    offsets = np.concatenate([near, *far], axis=1)
    each = offsets.shape[1]
    cost = np.tile(np.concatenate([near_cost, *far_cost]), count)
    leader = np.ones((count, each), dtype=bool)
    leader[:, :near.shape[1]] = False
    return (offsets.reshape(-1, 2), cost, leader.reshape(-1),
            np.repeat(np.arange(count), each))
