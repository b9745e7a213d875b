"""What the label placement weighs: penalties in pixel-equivalents of leader length, and
the search's limits."""

from __future__ import annotations

import numpy as np

ILLEGAL = 1e6  # overlapping another label or a marker, or outside the area
LEADER_BASE = 12.0
LEADER_CROSSES_LEADER = 1000.0
LEADER_CROSSES_MARKER = 400.0
LONG_LEADER = 300.0
WRONG_SIDE = 220.0
LEADER_ON_LABEL = 150.0  # one label's leader through another label's box
BOX_ON_LINE = 45.0
VARIANT = 3.0  # each step away from a label's preferred wrapping
GOOD = 60.0  # a label costing less than this is well placed
#: Far positions prefer pointing away from the crowd (radial leaders rarely cross).
OUTWARD = 0.35
FAR_ANGLES = np.deg2rad(np.arange(0, 360, 30))
ROUNDS = 6  # squeaky-wheel constructions at most
SMALL = 45  # up to this many labels get the whole search
