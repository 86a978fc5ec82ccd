"""The load benchmark's users (locust), run by ``docs/bench_load.py``; not a test.

An officer signs in once, then spends the day: the dashboard, a supplier search, the list of
proposals, one proposal, and once in the run an answer to it (accept). A facilitator signs
in and opens the network dashboard. Accounts come from the JSON file in ``OPOP_LOAD_USERS``
(written by the harness); every request names its page, so the statistics are per page.
"""

from __future__ import annotations

import json
import os
import re
from itertools import count
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

ACCOUNTS: dict[str, list[dict[str, Any]]] = json.loads(
    Path(os.environ["OPOP_LOAD_USERS"]).read_text(encoding="utf-8")
)
_NEXT = {"officer": count(), "facilitator": count()}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SEARCHES = ["beras", "ikan asin", "gula pasir", "minyak goreng", "telur ayam", "kopi bubuk"]


def _account(role: str) -> dict[str, Any]:
    accounts = ACCOUNTS[role]
    return accounts[next(_NEXT[role]) % len(accounts)]


def _csrf(page: str) -> str:
    found = _CSRF.search(page)
    return found.group(1) if found else ""


class _SignedIn(HttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        self.account = _account(self.role)
        form = self.client.get("/masuk", name="sign-in page")
        self.client.post(
            "/masuk",
            data={
                "csrf_token": _csrf(form.text),
                "email": self.account["email"],
                "password": self.account["password"],
            },
            name="sign in",
        )


class Officer(_SignedIn):
    role = "officer"
    weight = 9
    wait_time = between(1, 3)
    answered = False
    searches = count()

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/saya", name="/saya (officer dashboard)")

    @task(3)
    def search(self) -> None:
        text = SEARCHES[next(self.searches) % len(SEARCHES)]
        self.client.get("/cari", params={"q": text}, name="/cari (supplier search)")

    @task(2)
    def proposals(self) -> None:
        self.client.get("/usulan", name="/usulan (proposals)")

    @task(2)
    def proposal(self) -> None:
        proposal_id = self.account.get("proposal_id")
        if not proposal_id:
            return
        page = self.client.get(f"/usulan/{proposal_id}", name="/usulan/<id> (a proposal)")
        if not self.answered and page.ok:
            self.answered = True
            self.client.post(
                f"/usulan/{proposal_id}/terima",
                data={"csrf_token": _csrf(page.text)},
                name="/usulan/<id>/terima (an answer)",
            )


class Facilitator(_SignedIn):
    role = "facilitator"
    weight = 1
    wait_time = between(2, 5)

    @task
    def dashboard(self) -> None:
        self.client.get("/fasilitator/", name="/fasilitator/ (network dashboard)")
