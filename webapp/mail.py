"""Sending email behind a small interface, so tests and ``--dry-run`` share the real rendering.

``MailSender`` is the port: ``send(msg)`` either hands the message over (the SMTP server
answered 250 to the end of DATA) or raises. Adapters:

- :class:`SmtpSender`: SMTP from configuration (``OPOP_SMTP_HOST`` / ``PORT`` / ``SECURITY``
  none, starttls or ssl / ``USER`` / ``PASSWORD``); one connection reused across messages.
- :class:`FileSender`: writes each message to ``DIR/<name>.eml`` (``--dry-run``).
- :class:`MemorySender`: keeps messages in a list (tests); can refuse chosen addresses.

A :class:`MailError` says whether the failure concerns only this message
(``connection_lost=False``: the server refused this recipient) or the server itself
(``connection_lost=True``: down, unreachable, authentication), so a batch can stop early,
and whether the message may have been delivered all the same (``delivery_unknown=True``:
the whole DATA was sent but the server's answer to it never came), so it is not resent.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "FileSender",
    "MailError",
    "MailSender",
    "MemorySender",
    "SmtpSender",
    "send_one",
    "sender_from_config",
]

SECURITY_MODES = ("none", "starttls", "ssl")


class MailError(Exception):
    """A message was not handed over. ``connection_lost``: the server, not this message, failed."""

    def __init__(
        self, message: str, *, connection_lost: bool = False, delivery_unknown: bool = False
    ) -> None:
        super().__init__(message)
        self.connection_lost = connection_lost or delivery_unknown
        self.delivery_unknown = delivery_unknown


class _AnswerLost(smtplib.SMTPServerDisconnected):
    """The message's DATA went out whole, but the server's answer to it was lost."""


class _Tracking:
    """Mixin for :class:`smtplib.SMTP`: notice when the reply lost is the one to DATA's end.

    ``SMTP.data`` sends ``DATA``, reads 354, sends the message and its final dot, then reads
    the reply; a connection lost at that last read may follow a delivery.
    """

    _phase = ""

    def putcmd(self, cmd: str, args: str = "") -> None:
        self._phase = cmd.lower()
        super().putcmd(cmd, args)  # type: ignore[misc]

    def getreply(self) -> tuple[int, bytes]:
        if self._phase == "data-sent":
            self._phase = ""
            try:
                return super().getreply()  # type: ignore[misc, no-any-return]
            except smtplib.SMTPServerDisconnected as exc:
                raise _AnswerLost(str(exc)) from exc
        code, text = super().getreply()  # type: ignore[misc]
        if self._phase == "data" and code == 354:
            self._phase = "data-sent"
        return code, text


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTP_SSL(_Tracking, smtplib.SMTP_SSL):  # noqa: N801
    pass


@runtime_checkable
class MailSender(Protocol):
    def send(self, msg: EmailMessage) -> None:
        """Hand ``msg`` over for delivery to its ``To`` address, or raise :class:`MailError`."""


class SmtpSender:
    """Send over SMTP; the connection opens on the first message and is reused.

    >>> SmtpSender("localhost", 25, security="tls")
    Traceback (most recent call last):
    ...
    ValueError: SMTP security must be one of none, starttls, ssl (got 'tls')
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: str = "none",
        user: str = "",
        password: str = "",
        timeout: float = 30.0,
    ) -> None:
        if security not in SECURITY_MODES:
            raise ValueError(
                f"SMTP security must be one of {', '.join(SECURITY_MODES)} (got {security!r})"
            )
        self.host, self.port, self.security = host, int(port), security
        self.user, self.password, self.timeout = user, password, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "ssl":
            smtp = _SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = _SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=context)
        if self.user:
            smtp.login(self.user, self.password)
        return smtp

    def send(self, msg: EmailMessage) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(msg)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            self._reset()
            raise MailError(_describe(exc)) from exc
        except smtplib.SMTPDataError as exc:
            self._reset()
            raise MailError(_describe(exc), connection_lost=exc.smtp_code == 421) from exc
        except _AnswerLost as exc:
            self.close()
            raise MailError(
                f"delivery unknown: the server did not answer after the message ({exc})",
                delivery_unknown=True,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(_describe(exc), connection_lost=True) from exc

    def _reset(self) -> None:
        """After a refusal the session may be mid-transaction: start the next one clean."""
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class FileSender:
    """Write each message to ``directory`` as ``<recipient>.eml`` (created if missing)."""

    def __init__(self, directory: str | Path, prefix: str = "") -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.paths: list[Path] = []

    def send(self, msg: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        address = parseaddr(str(msg["To"]))[1] or "unknown"
        name = self.prefix + re.sub(r"[^A-Za-z0-9@._+-]", "_", address) + ".eml"
        path = self.directory / name
        path.write_bytes(msg.as_bytes())
        self.paths.append(path)

    def close(self) -> None:
        pass


class MemorySender:
    """A fake for tests: ``sent`` holds what was handed over; ``refuse`` addresses fail."""

    def __init__(self, refuse: Iterable[str] = ()) -> None:
        self.sent: list[EmailMessage] = []
        self.refuse = {a.lower() for a in refuse}

    def send(self, msg: EmailMessage) -> None:
        address = parseaddr(str(msg["To"]))[1].lower()
        if address in self.refuse:
            raise MailError(f"550 {address}: recipient refused")
        self.sent.append(msg)

    def close(self) -> None:
        pass


def sender_from_config(config: Mapping[str, Any]) -> SmtpSender | FileSender:
    """The SMTP sender described by the app's ``SMTP_*`` settings, or with ``MAIL_OUTBOX``
    (a folder: the demo, development) one that writes each message there as a file."""
    if config.get("MAIL_OUTBOX"):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f-")
        return FileSender(str(config["MAIL_OUTBOX"]), prefix=stamp)
    return SmtpSender(
        str(config["SMTP_HOST"]),
        int(config["SMTP_PORT"]),
        security=str(config.get("SMTP_SECURITY") or "none").lower(),
        user=str(config.get("SMTP_USER") or ""),
        password=str(config.get("SMTP_PASSWORD") or ""),
    )


def send_one(config: Mapping[str, Any], msg: EmailMessage) -> str | None:
    """Hand one message (a reset link, an answer link) to the configured server on its own
    connection; None when handed over, else what went wrong (the caller tells the user)."""
    sender = sender_from_config(config)
    try:
        sender.send(msg)
    except MailError as exc:
        return str(exc)
    finally:
        sender.close()
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(reply)}" for code, reply in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
