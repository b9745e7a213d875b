"""Charts with matplotlib's ``Figure`` (never pyplot):

- :mod:`.matrix`: the materiality matrix (classic, with year-over-year arrows);
- :mod:`.labels`: deterministic label placement without crossing leaders;
- :mod:`.style`, :mod:`.legend`, :mod:`.fonts`: sizes, palette, keys and the CJK font.
"""
