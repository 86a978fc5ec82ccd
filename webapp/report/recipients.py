"""Who gets a weekly report, deduplicated by address.

- Every pesantren's contact email (account or not: the report is how most officers first
  meet the service), in the pesantren's language, unless its ``report_frequency`` is none.
- Every active officer account, for its pesantren, in the user's language.
- Every active facilitator account: the network report.

One address gets one email per week (the report log is keyed by address). When several
entries share an address: a facilitator gets the network report; an officer who is the
contact of several pesantren gets one email with a section per pesantren; an account's
language beats the pesantren record's. A user's own "none" (preferences page or
unsubscribe link) silences the address everywhere, also as a pesantren contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from ..models import LANGUAGES, DbSession, Pesantren, User

__all__ = ["Recipient", "opt_out", "recipients"]


@dataclass
class Recipient:
    address: str  # lower-case: the report log key
    name: str
    kind: str  # officer / facilitator
    language: str
    pesantren_ids: list[int] = field(default_factory=list)
    from_account: bool = False  # the language came from a user account


def recipients(session: DbSession) -> list[Recipient]:
    """Everyone due a weekly report, sorted by address."""
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    opted_out = {_key(u.email) for u in users if u.report_frequency == "none"}
    found: dict[str, Recipient] = {}

    def add(
        address: str,
        name: str,
        kind: str,
        language: str,
        pesantren_id: int | None,
        from_account: bool,
    ) -> None:
        key = _key(address)
        if not key or "@" not in key or key in opted_out:
            return
        language = language if language in LANGUAGES else "id"
        current = found.get(key)
        if current is None or (kind == "facilitator" and current.kind != "facilitator"):
            found[key] = Recipient(key, name, kind, language, [], from_account)
            current = found[key]
        elif current.kind == "facilitator":
            return
        elif from_account and not current.from_account:
            current.language, current.name, current.from_account = language, name, True
        if pesantren_id is not None and pesantren_id not in current.pesantren_ids:
            current.pesantren_ids.append(pesantren_id)

    for user in users:
        if user.report_frequency != "weekly":
            continue
        if user.role == "facilitator":
            add(user.email, user.name, "facilitator", user.language, None, True)
        elif user.role == "officer" and user.pesantren_id is not None:
            add(user.email, user.name, "officer", user.language, user.pesantren_id, True)
    for p in session.scalars(
        select(Pesantren).where(Pesantren.report_frequency == "weekly", Pesantren.email != "")
    ):
        add(p.email, p.contact_name or p.name, "officer", p.language, p.id, False)
    for r in found.values():
        r.pesantren_ids.sort()
    return sorted(found.values(), key=lambda r: r.address)


def _key(address: str) -> str:
    return (address or "").strip().lower()


def opt_out(session: DbSession, address: str, **values: Any) -> None:
    """Set ``values`` (``report_frequency="none"``, ``notices=False``) on every account and
    pesantren record with ``address``, and commit: an unsubscribe link speaks for the
    address, wherever it is registered."""
    for model in (User, Pesantren):
        session.execute(
            update(model)
            .where(func.lower(model.email) == _key(address))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    session.commit()
