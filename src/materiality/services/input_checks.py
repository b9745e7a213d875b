"""Text and numbers that come from outside (forms, addresses, uploaded files), judged once.

The staff forms, the survey, the URL converters and the topic import all use these
rules, so a character or a number is accepted or refused the same way everywhere.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime

#: Control characters (Unicode category Cc: C0, DEL, C1). The database refuses NUL,
#: the chart's fonts have no glyph for any of them, and none is ever meant in a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, but tab, line feed and carriage return, which multi-line text may hold.
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_WHITESPACE = re.compile(r"[\t\n\r]+")
_INTEGER = re.compile(r"-?[0-9]{1,19}")

#: The largest id and count the database's INTEGER columns hold (PostgreSQL: 4 bytes).
MAX_INT = 2**31 - 1
#: Dates and moments staff enter lie in these years (a year 1 overflows the time zone
#: conversion; a year 9999 is a typing slip).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """True when ``text`` holds a control character (tab and line breaks allowed if multi-line)."""
    return bool((_CONTROL_BUT_LINES if multiline else _CONTROL).search(text))


def remove_control_characters(text: str, multiline: bool = False) -> str:
    """``text`` without control characters; in one-line text tabs and line breaks become a space."""
    if not multiline:
        text = _LINE_WHITESPACE.sub(" ", text)
    return _CONTROL_BUT_LINES.sub("", text)


def parse_int(text: object, minimum: int | None = None, maximum: int | None = MAX_INT) -> int | None:
    """The integer written in ASCII digits (a leading minus allowed), within the bounds; else None.

    Stricter than ``int()``: "²".isdigit() is true yet int() refuses it, and int()
    takes Arabic-Indic digits, spaces around, underscores and 4,300-digit numbers.
    """
    if not isinstance(text, str) or not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return None
    return value


def parse_finite(text: object) -> float | None:
    """The finite number written in ``text``, else None (NaN and infinity draw no chart)."""
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def year_in_range(moment: date | datetime | None) -> bool:
    """True for no date, or a date between FIRST_YEAR and LAST_YEAR."""
    return moment is None or FIRST_YEAR <= moment.year <= LAST_YEAR
