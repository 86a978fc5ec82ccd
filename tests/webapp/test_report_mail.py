"""Mail senders (SMTP against a loopback server, files, memory) and report weeks."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from tests.webapp.report_helpers import free_port, start_smtp
from webapp.mail import FileSender, MailError, MemorySender, SmtpSender, sender_from_config
from webapp.report import WeekError, parse_week, previous_week


def _msg(to: str, subject: str = "Salam") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "OPOP Match <laporan@opop-match.test>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("Isi laporan")
    return msg


def test_smtp_sender_delivers_and_survives_a_refused_recipient():
    server = start_smtp()
    server.handler.refuse = {"ditolak@pondok.sch.id"}
    sender = SmtpSender("127.0.0.1", server.port)
    try:
        sender.send(_msg("satu@pondok.sch.id", "satu"))
        with pytest.raises(MailError, match="550") as refused:
            sender.send(_msg("ditolak@pondok.sch.id"))
        sender.send(_msg("dua@pondok.sch.id", "dua"))
    finally:
        sender.close()
        server.stop()

    assert refused.value.connection_lost is False
    assert sorted(server.handler.by_recipient()) == ["dua@pondok.sch.id", "satu@pondok.sch.id"]
    assert [m["Subject"] for _, m in server.handler.received] == ["satu", "dua"]


def test_smtp_sender_reports_an_unreachable_server_as_connection_lost():
    sender = SmtpSender("127.0.0.1", free_port(), timeout=5)

    with pytest.raises(MailError) as down:
        sender.send(_msg("satu@pondok.sch.id"))

    assert down.value.connection_lost is True


def test_smtp_settings_come_from_configuration_and_bad_security_is_refused():
    sender = sender_from_config(
        {
            "SMTP_HOST": "mail.opop.id",
            "SMTP_PORT": "587",
            "SMTP_SECURITY": "STARTTLS",
            "SMTP_USER": "laporan",
            "SMTP_PASSWORD": "rahasia",
        }
    )
    assert (sender.host, sender.port, sender.security, sender.user) == (
        "mail.opop.id",
        587,
        "starttls",
        "laporan",
    )
    with pytest.raises(ValueError, match="none, starttls, ssl"):
        SmtpSender("localhost", 25, security="tls")


def test_file_sender_writes_one_eml_per_recipient(tmp_path):
    sender = FileSender(tmp_path / "out")

    sender.send(_msg("Ustadz Fauzi <kontak@alhikmah.sch.id>"))

    path = tmp_path / "out" / "kontak@alhikmah.sch.id.eml"
    assert sender.paths == [path]
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Salam"


def test_memory_sender_refuses_chosen_addresses():
    sender = MemorySender(refuse=["X@pondok.sch.id"])
    with pytest.raises(MailError):
        sender.send(_msg("x@pondok.sch.id"))
    sender.send(_msg("y@pondok.sch.id"))
    assert [m["To"] for m in sender.sent] == ["y@pondok.sch.id"]


@pytest.mark.parametrize(
    ("now", "week"),
    [
        # Monday 06:30 WIB is still Sunday 23:30 UTC: the week that just ended in Java.
        (dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC), "2026-W48"),
        (dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC), "2026-W47"),  # Sunday 23:00 WIB
        (dt.datetime(2027, 1, 4, 1, 0, tzinfo=dt.UTC), "2026-W53"),
    ],
)
def test_the_default_week_is_the_last_complete_week_in_western_indonesia(now, week):
    assert previous_week(now).label == week


def test_a_week_covers_monday_to_monday_in_wib():
    week = parse_week("2026-W48")
    assert week.start.astimezone(dt.UTC) == dt.datetime(2026, 11, 22, 17, 0, tzinfo=dt.UTC)
    assert week.end - week.start == dt.timedelta(days=7)
    assert week.shifted(1).label == "2026-W49"


@pytest.mark.parametrize("text", ["2026-48", "2026-W00", "2025-W53", "W48", ""])
def test_a_bad_week_label_names_itself(text):
    with pytest.raises(WeekError, match="--week"):
        parse_week(text)
