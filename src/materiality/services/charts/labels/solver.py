"""The placement's state: every label's candidates in flat arrays, what each costs, and
where each label is now."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .candidates import candidate_offsets
from .costs import (
    BOX_ON_LINE,
    ILLEGAL,
    LEADER_CROSSES_LEADER,
    LEADER_CROSSES_MARKER,
    LEADER_ON_LABEL,
    LONG_LEADER,
    VARIANT,
    WRONG_SIDE,
)
from .geometry import (
    boxes_around,
    boxes_overlap,
    columns,
    crossing_one,
    leader_target,
    segments_cross,
    segments_hit_boxes,
    straddle,
)


class Solver:
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
        self.markers = boxes_around(anchors, np.repeat(radii[:, None], 2, axis=1))
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
        self.extent_columns = columns(self.extent)
        self.box_columns = columns(self.boxes)
        self.leader_box_columns = columns(self.leader_box)
        self.leader_columns = columns(np.concatenate([self.start, self.target], axis=1))
        self.acc = self.cost.copy()
        self.ovl = np.zeros(len(self.cost))  # how many placed labels each box overlaps
        self.weight = ILLEGAL  # what one overlap costs
        self.pos = np.full(n, -1)
        self._contribution: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    # ----------------------------------------------------------------- candidates

    def _fixed_variants(self, fixed: Mapping[int, np.ndarray]) -> dict[int, int]:
        """The size (line breaks) of each editor's label: the first that overlaps least
        the area's edge, the markers and the other editor's labels, each label given the
        others' current sizes, for a few rounds. (Positions are kept, sizes are not: a
        picture pinned where it was drawn comes back without overlaps.)"""
        centers = {i: np.asarray(c, float) for i, c in fixed.items()}
        boxes = {i: boxes_around(np.broadcast_to(c, (len(self.halves[i]), 2)), self.halves[i])
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
        box = boxes_around(center[None, :], self.halves[i][variant : variant + 1])
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
            raw.append(candidate_offsets(self.halves[i], self.radii[i], self.gap, reach, self.diagonal,
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
        cost = cost + VARIANT * variant
        centers = anchor + offsets
        boxes = boxes_around(centers, half)
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
        cost = cost + np.where(stuck, ILLEGAL * (clash + 10 * ~inside), 0.0)
        centers, boxes, cost, owner = centers[keep], boxes[keep], cost[keep], owner[keep]
        leader, variant, anchor, radius = leader[keep], variant[keep], anchor[keep], radius[keep]
        target = leader_target(anchor, boxes)
        length = np.hypot(*(target - anchor).T) - radius
        cost = cost + np.where(leader, length, 0.0)
        cost += np.where(leader & (length > self.max_leader), LONG_LEADER + 2 * length, 0.0)
        if len(self.soft):
            cost += BOX_ON_LINE * segments_hit_boxes(
                self.soft[:, :2], self.soft[:, 2:], boxes).sum(axis=0)
        cost += WRONG_SIDE * self._wrong_sides(anchor, boxes)
        li = np.flatnonzero(leader)
        if len(li):
            hits = segments_hit_boxes(anchor[li], target[li], self.markers)
            hits[np.arange(len(li)), owner[li]] = False  # its own marker, where it starts
            cost[li] += LEADER_CROSSES_MARKER * hits.sum(axis=1)
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
            cost[mine] += LEADER_ON_LABEL * straddle(sx[m], sy[m], tx[m], ty[m], *box)
        if self.leader[g]:
            (ax, ay), (bx, by) = self.start[g], self.target[g]
            own = self.leader_box[g]
            under = np.flatnonzero((bx0 < own[2]) & (bx1 > own[0]) & (by0 < own[3]) & (by1 > own[1]))
            if len(under):
                cost[under] += LEADER_ON_LABEL * straddle(
                    ax, ay, bx, by, bx0[under], by0[under], bx1[under], by1[under])
            # Two leaders cross only where their bounding boxes meet.
            meet = np.flatnonzero((lx0 <= own[2]) & (lx1 >= own[0])
                                  & (ly0 <= own[3]) & (ly1 >= own[1]))
            if len(meet):
                m = near[meet]
                cost[meet] += LEADER_CROSSES_LEADER * crossing_one(
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
