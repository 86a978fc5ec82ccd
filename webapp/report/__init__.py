"""The weekly match report: who gets it, what it says, how it is rendered and sent.

- :mod:`.weeks`: ISO weeks in WIB as report periods;
- :mod:`.recipients`: pesantren contacts, officers and facilitators, one entry per address;
- :mod:`.network`: the engine's matches and gaps, computed once per run;
- :mod:`.officer` / :mod:`.facilitator`: the content of each kind of report;
- :mod:`.render`: subject, text and HTML, and the email message with its headers;
- :mod:`.send`: the resumable, at-most-once sending loop over the report log;
- :mod:`.links`: absolute URLs and the signed tokens of unsubscribe and "still available".
"""

from .links import read_listing_token, read_unsubscribe_token, unsubscribe_token
from .recipients import Recipient, recipients
from .render import build_message, render_report
from .send import RunResult, SnapshotCache, collect_report, send_weekly
from .weeks import ReportWeek, WeekError, parse_week, previous_week

__all__ = [
    "Recipient",
    "ReportWeek",
    "RunResult",
    "SnapshotCache",
    "WeekError",
    "build_message",
    "collect_report",
    "parse_week",
    "previous_week",
    "read_listing_token",
    "read_unsubscribe_token",
    "recipients",
    "render_report",
    "send_weekly",
    "unsubscribe_token",
]
