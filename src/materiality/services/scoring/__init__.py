"""Scoring, plain numpy/pandas:

- :mod:`.classic`: the classic method's two axes, intervals, tiers and ranks (the published
  methodology is its docstring); :mod:`.bootstrap` holds its array kernels;
- :mod:`.sensitivity`: how robust each tier is (probabilities, leave-one-out scenarios);
- :mod:`.comparison`: how topics moved between two assessments;
- :mod:`.double`: double materiality (impacts, risks and opportunities).
"""
