"""``opop-match report weekly`` against a real SMTP server on loopback (aiosmtpd).

Every assertion reads what the server received, parsed with the standard ``email`` package.
"""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.webapp.report_helpers import (
    MAIL_FROM,
    NOW,
    WEEK,
    app_config,  # noqa: F401 - the fixture: SMTP on loopback, a fixed report time
    at,
    build_week,
    parts,
    start_dropping_smtp,
    start_smtp,
)
from webapp.answer_links import answer_url
from webapp.models import Listing, ReportLog, db


def _inbox(smtp: Any) -> dict[str, list[Any]]:
    return smtp.handler.by_recipient()


def test_each_recipient_gets_one_email_with_text_and_html_in_their_language(app, cli, smtp):
    s = build_week()

    result = cli("report", "weekly", "--week", WEEK)

    assert result.exit_code == 0, result.output
    inbox = _inbox(smtp)
    # Pesantren contacts (with or without an account), the officer account, the facilitator;
    # not the pesantren that unsubscribed, not the facilitator on "none", not the admin.
    assert sorted(inbox) == sorted(s.emails.values())
    assert all(len(msgs) == 1 for msgs in inbox.values())
    languages = {addr: msgs[0]["Content-Language"] for addr, msgs in inbox.items()}
    assert languages == {
        s.emails["batu"]: "id",
        s.emails["ahmad"]: "en",
        s.emails["sumenep"]: "en",
        s.emails["surabaya"]: "id",
        s.emails["facilitator"]: "id",
    }
    for msgs in inbox.values():
        msg = msgs[0]
        assert msg.get_content_type() == "multipart/alternative"
        text, html = parts(msg)
        assert text.strip()
        assert "<html" in html
        assert "style=" in html
        assert "<link" not in html
        assert "<style" not in html


def test_headers_identify_sender_message_and_one_click_unsubscribe(app, cli, smtp):
    s = build_week()
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0

    msg = _inbox(smtp)[s.emails["sumenep"]][0]
    assert msg["From"] == MAIL_FROM
    assert parseaddr(msg["To"])[1] == s.emails["sumenep"]
    assert parsedate_to_datetime(msg["Date"]) == NOW
    assert msg["Message-ID"].strip().endswith("@opop-match.test>")
    assert "Salted fish" in msg["Subject"] or "match" in msg["Subject"]
    unsubscribe = msg["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://opop.example.id/laporan/berhenti/")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    log = db.session.scalar(select(ReportLog).filter_by(week=WEEK, recipient=s.emails["sumenep"]))
    assert log.status == "sent"
    assert log.message_id == msg["Message-ID"].strip()

    # The link works without signing in: one-click POST as a mail client sends it.
    client = app.test_client()
    response = client.post(urlsplit(unsubscribe).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    assert cli("report", "weekly", "--week", "2026-W49").exit_code == 0
    assert len(_inbox(smtp)[s.emails["sumenep"]]) == 1


def test_officer_report_lists_matches_proposals_decisions_and_stale_listings(app, cli, smtp):
    s = build_week()
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0
    inbox = _inbox(smtp)

    # Al-Hikmah (Indonesian): its pending barter, a supplier for its fish need.
    text, html = parts(inbox[s.emails["batu"]][0])
    assert "Usulan menunggu jawaban Anda" in text
    # Its answer button is its own signed link, which needs no login.
    link = answer_url(501, 101)
    assert link.startswith("https://opop.example.id/jawab/")
    assert link in text
    assert f'href="{link}"' in html
    assert "Pondok Pesantren Nurul Huda Sumenep" in text  # the new supplier of salted fish
    assert "Ikan asin" in text

    # Nurul Huda (English): its proposal with Bondowoso confirmed, the one with Surabaya declined.
    msg = inbox[s.emails["sumenep"]][0]
    text, html = parts(msg)
    assert "Decided since your last report" in text
    assert "[Confirmed] Trade #502" in text
    assert "[Declined] Trade #503" in text
    assert "Reason: Price" in text
    assert "awaiting your answer" not in text  # it already accepted the barter

    # Darul Ulum: its terasi need was last confirmed in September: a one-click link.
    text, html = parts(inbox[s.emails["surabaya"]][0])
    assert "Masih tersedia?" in text
    confirm = next(
        line.split(": ", 1)[1] for line in text.splitlines() if "Ya, masih tersedia:" in line
    )
    response = app.test_client().get(urlsplit(confirm).path)
    assert response.status_code == 200
    listing = db.session.get(Listing, 1031)
    db.session.refresh(listing)
    assert listing.last_confirmed_at > dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_facilitator_report_summarises_the_network_week(app, cli, smtp):
    s = build_week()
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0

    msg = _inbox(smtp)[s.emails["facilitator"]][0]
    text, html = parts(msg)
    assert "1 pesantren baru" in msg["Subject"]
    assert "Pondok Pesantren Nurul Huda Sumenep" in text  # new this week
    assert "Usulan menurut status" in text
    assert "Kesenjangan pasar teratas" in text
    assert "Terasi" in text
    assert "Menunggu jawaban" in text
    assert "Pondok Pesantren Al-Hikmah Batu" in text
    assert "Rp 4.000.000" in text  # trade #502 confirmed this week: 80 kg × Rp 50.000
    assert 'width="100%"' in html
    assert "background:#40916c" in html


def test_running_twice_for_the_same_week_sends_nothing_the_second_time(app, cli, smtp):
    build_week()
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0
    first = len(smtp.handler.received)

    again = cli("report", "weekly", "--week", WEEK)

    assert again.exit_code == 0, again.output
    assert len(smtp.handler.received) == first == 5
    assert "sent 0" in again.output
    assert "already sent 5" in again.output


def test_refused_recipients_are_reported_and_a_rerun_sends_only_to_them(app, cli, smtp):
    s = build_week()
    refused = {s.emails["sumenep"], s.emails["facilitator"]}
    smtp.handler.refuse = set(refused)

    first = cli("report", "weekly", "--week", WEEK)

    assert first.exit_code == 1
    for address in refused:
        assert f"failed: {address}: 550" in first.output
    assert set(_inbox(smtp)) == set(s.emails.values()) - refused
    statuses = dict(db.session.execute(select(ReportLog.recipient, ReportLog.status)).all())
    assert {a for a, st in statuses.items() if st == "failed"} == refused

    smtp.handler.refuse.clear()
    second = cli("report", "weekly", "--week", WEEK)

    assert second.exit_code == 0, second.output
    inbox = _inbox(smtp)
    assert sorted(inbox) == sorted(s.emails.values())
    assert all(len(msgs) == 1 for msgs in inbox.values())


def test_smtp_down_stops_the_run_and_the_rerun_sends_to_everyone_left(app, cli, smtp):
    s = build_week()
    port = app.config["SMTP_PORT"]
    smtp.stop()

    down = cli("report", "weekly", "--week", WEEK)

    assert down.exit_code == 1
    assert "not attempted" in down.output
    assert db.session.scalar(select(ReportLog).filter_by(status="sent")) is None

    server = start_smtp()
    app.config["SMTP_PORT"] = server.port
    try:
        up = cli("report", "weekly", "--week", WEEK)
        assert up.exit_code == 0, up.output
        inbox = server.handler.by_recipient()
        assert sorted(inbox) == sorted(s.emails.values())
        assert all(len(msgs) == 1 for msgs in inbox.values())
    finally:
        server.stop()
        app.config["SMTP_PORT"] = port


def test_a_crash_after_the_server_accepted_is_never_resent_silently(app, cli, smtp):
    s = build_week()
    # A run died between the server's 250 and the commit: the row stays "sending".
    db.session.add(
        ReportLog(
            week=WEEK,
            recipient=s.emails["surabaya"],
            kind="officer",
            status="sending",
            message_id="<x@opop-match.test>",
        )
    )
    db.session.commit()

    result = cli("report", "weekly", "--week", WEEK)

    assert result.exit_code == 1
    assert f"delivery unknown: {s.emails['surabaya']} <x@opop-match.test>" in result.output
    assert s.emails["surabaya"] not in _inbox(smtp)

    resend = cli("report", "weekly", "--week", WEEK, "--resend-uncertain")
    assert resend.exit_code == 0, resend.output
    assert _inbox(smtp)[s.emails["surabaya"]][0]["Message-ID"].strip() == "<x@opop-match.test>"


def test_a_lost_answer_after_data_is_delivery_unknown_and_not_resent(app, cli, smtp):
    build_week()
    port = app.config["SMTP_PORT"]
    server = start_dropping_smtp()
    app.config["SMTP_PORT"] = server.port
    try:
        first = cli("report", "weekly", "--week", WEEK)
        assert first.exit_code == 1
        [(rcpts, msg)] = server.handler.received
        address = rcpts[0].lower()
        assert f"delivery unknown: {address} {msg['Message-ID'].strip()}" in first.output
        log = db.session.scalar(select(ReportLog).filter_by(recipient=address))
        assert log is not None
        assert log.status == "sending"
        assert log.message_id == msg["Message-ID"].strip()

        again = cli("report", "weekly", "--week", WEEK)
        assert again.exit_code == 1
        assert f"delivery unknown: {address}" in again.output
        inbox = server.handler.by_recipient()
        assert len(inbox[address]) == 1  # the rerun sent everyone else, not this one twice
        assert len(inbox) > 1
        assert all(len(m) == 1 for m in inbox.values())
    finally:
        server.stop()
        app.config["SMTP_PORT"] = port


def test_no_email_when_nothing_is_new(app, cli, smtp):
    build_week()
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0
    before = len(smtp.handler.received)

    # Next week nothing happens: matches, proposals and stale listings were all reported.
    result = cli("report", "weekly", "--week", "2026-W49")

    assert result.exit_code == 0, result.output
    assert len(smtp.handler.received) == before
    assert "sent 0, nothing new 5" in result.output


def test_a_new_match_next_week_is_reported_and_old_ones_are_not_repeated(app, cli, smtp):
    from tests.factories import make_listing, make_pesantren

    s = build_week()
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0
    tuban = make_pesantren(
        "3523", id=105, name="Pondok Pesantren Sunan Bonang Tuban", email="", created_at=at(30)
    )
    make_listing(tuban, "offer", "ikan-asin", id=1051, created_at=at(30))
    db.session.commit()

    assert cli("report", "weekly", "--week", "2026-W49").exit_code == 0

    batu = _inbox(smtp)[s.emails["batu"]]
    assert len(batu) == 2
    text, _html = parts(batu[1])
    assert "Sunan Bonang Tuban" in text
    assert "Nurul Huda Sumenep, Sumenep" not in text  # that match was in last week's email


def test_dry_run_writes_eml_files_and_sends_and_records_nothing(app, cli, smtp, tmp_path: Path):
    s = build_week()

    result = cli("report", "weekly", "--week", WEEK, "--dry-run", str(tmp_path / "out"))

    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert len(files) == 5
    assert smtp.handler.received == []
    assert db.session.scalars(select(ReportLog)).all() == []
    msg = message_from_bytes(
        (tmp_path / "out" / f"{s.emails['ahmad']}.eml").read_bytes(), policy=policy.default
    )
    text, _html = parts(msg)  # type: ignore[arg-type]
    assert "Proposals awaiting your answer" in text


def test_only_sends_to_one_address_and_rejects_an_unknown_one(app, cli, smtp):
    s = build_week()

    result = cli("report", "weekly", "--week", WEEK, "--only", s.emails["ahmad"].upper())

    assert result.exit_code == 0, result.output
    assert list(_inbox(smtp)) == [s.emails["ahmad"]]
    unknown = cli("report", "weekly", "--week", WEEK, "--only", "diam@miftahul.sch.id")
    assert unknown.exit_code != 0
    assert "not a recipient" in unknown.output


@pytest.mark.parametrize("week", ["2026-48", "2026-W60", "2025-W53", "minggu lalu"])
def test_a_bad_week_is_refused_naming_the_option(app, cli, smtp, week):
    build_week()

    result = cli("report", "weekly", "--week", week)

    assert result.exit_code == 2
    assert "--week" in result.output
    assert repr(week) in result.output
    assert smtp.handler.received == []
    assert db.session.scalars(select(ReportLog)).all() == []


@pytest.mark.slow
def test_seed_week_reaches_every_pesantren_once_in_its_language(app, cli, smtp):
    from tests.factories import make_user
    from webapp.models import Pesantren, utcnow
    from webapp.report import previous_week
    from webapp.seed import load_seed

    load_seed()
    make_user("facilitator", None, email="fasilitator@opop.test", language="en")
    db.session.commit()
    week = previous_week(utcnow() + dt.timedelta(days=7))  # the week the seed was loaded in
    pesantren = db.session.scalars(select(Pesantren).where(Pesantren.email != "")).all()
    language = {p.email.lower(): p.language for p in pesantren}

    result = cli("report", "weekly", "--week", week.label)

    assert result.exit_code == 0, result.output[-2000:]
    inbox = _inbox(smtp)
    assert all(len(msgs) == 1 for msgs in inbox.values())
    network = inbox.pop("fasilitator@opop.test")[0]
    assert f"{len(pesantren)} new pesantren" in network["Subject"]
    assert "Top market gaps" in parts(network)[0]
    # Everyone new gets matches or listings to confirm; whoever has nothing is logged.
    logged = dict(db.session.execute(select(ReportLog.recipient, ReportLog.status)).all())
    assert set(logged) == set(language) | {"fasilitator@opop.test"}
    assert {a for a, st in logged.items() if st == "sent"} == set(inbox) | {"fasilitator@opop.test"}
    assert len(inbox) > len(language) / 2
    for address, (msg,) in inbox.items():
        assert msg["Content-Language"] == language[address]
    sample = next(p for p in pesantren if p.email.lower() in inbox)
    assert sample.name in parts(inbox[sample.email.lower()][0])[0]


def test_a_report_that_cannot_be_built_is_reported_and_the_others_still_go(
    app, cli, smtp, monkeypatch
):
    import webapp.report.send as send

    s = build_week()
    real = send.collect_report

    def broken_for_one(session, recipient, week, snapshot):
        if recipient.address == s.emails["batu"]:
            raise RuntimeError("template bug")
        return real(session, recipient, week, snapshot)

    monkeypatch.setattr(send, "collect_report", broken_for_one)
    first = cli("report", "weekly", "--week", WEEK)

    assert first.exit_code == 1
    assert f"failed: {s.emails['batu']}: could not build the report" in first.output
    assert set(_inbox(smtp)) == set(s.emails.values()) - {s.emails["batu"]}

    monkeypatch.setattr(send, "collect_report", real)
    assert cli("report", "weekly", "--week", WEEK).exit_code == 0
    assert all(len(msgs) == 1 for msgs in _inbox(smtp).values())
    assert len(_inbox(smtp)) == 5


def test_two_runs_at_once_cannot_both_claim_an_address(app):
    from webapp.report import parse_week, recipients
    from webapp.report.send import _claim

    s = build_week()
    week = parse_week(WEEK)
    recipient = next(r for r in recipients(db.session) if r.address == s.emails["batu"])
    # Both runs read "no log row yet"; the first claims, the second must lose.
    assert _claim(db.session, week, recipient, "<a@opop-match.test>", None, NOW) is True
    assert _claim(db.session, week, recipient, "<b@opop-match.test>", None, NOW) is False
    # Same for a failed row that both runs read as "failed" before either retried it.
    log = db.session.scalar(select(ReportLog).filter_by(recipient=s.emails["batu"]))
    log.status = "failed"
    db.session.commit()
    assert _claim(db.session, week, recipient, "<c@opop-match.test>", _FailedView(log.id), NOW)
    assert not _claim(db.session, week, recipient, "<d@opop-match.test>", _FailedView(log.id), NOW)
    db.session.expire_all()
    assert db.session.get(ReportLog, log.id).message_id == "<c@opop-match.test>"


class _FailedView:
    """A log row as a slower run read it: still "failed"."""

    def __init__(self, id_: int) -> None:
        self.id, self.status, self.message_id = id_, "failed", ""
