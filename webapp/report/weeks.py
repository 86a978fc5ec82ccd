"""ISO weeks as report periods, in Western Indonesian Time (WIB, UTC+7, no daylight saving).

A report for week ``2026-W48`` covers Monday 23 November 00:00 WIB up to Monday 30 November
00:00 WIB; the Monday cron job reports on the week that has just ended.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["WIB", "ReportWeek", "WeekError", "parse_week", "previous_week"]

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """A week label that is not an ISO week such as ``2026-W48``."""


@dataclass(frozen=True)
class ReportWeek:
    """One ISO week: ``label`` (``2026-W48``), ``start`` and ``end`` (aware, WIB midnights).

    >>> w = parse_week("2026-W48")
    >>> w.start.date().isoformat(), w.last_day.isoformat()
    ('2026-11-23', '2026-11-29')
    """

    year: int
    week: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=6)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(), WIB)

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(days=7)

    def shifted(self, weeks: int) -> ReportWeek:
        year, week, _ = (self.first_day + dt.timedelta(weeks=weeks)).isocalendar()
        return ReportWeek(year, week)

    def __str__(self) -> str:
        return self.label


def parse_week(text: str) -> ReportWeek:
    """``"2026-W48"`` → :class:`ReportWeek`; raises :class:`WeekError` naming the bad value.

    >>> parse_week("2025-W53")
    Traceback (most recent call last):
    ...
    webapp.report.weeks.WeekError: --week '2025-W53': 2025 has no ISO week 53 (use YYYY-Www, e.g. 2026-W48)
    """
    match = _WEEK.match(text.strip())
    if not match:
        raise WeekError(f"--week {text!r}: not an ISO week (use YYYY-Www, e.g. 2026-W48)")
    year, week = int(match[1]), int(match[2])
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekError(
            f"--week {text!r}: {year} has no ISO week {week} (use YYYY-Www, e.g. 2026-W48)"
        ) from None
    return ReportWeek(year, week)


def previous_week(now: dt.datetime) -> ReportWeek:
    """The last complete ISO week before ``now`` (in WIB): what Monday's run reports on.

    >>> previous_week(dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)).label
    '2026-W48'
    """
    year, week, _ = (now.astimezone(WIB).date() - dt.timedelta(days=7)).isocalendar()
    return ReportWeek(year, week)
