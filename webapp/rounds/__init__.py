"""Match rounds: snapshot the market, run the engine, store the proposals; publish; compare.

One module per step: :mod:`.run` (and queueing for the worker), :mod:`.store`,
:mod:`.publish`, :mod:`.exclusions` (what a new round must not propose again) and
:mod:`.compare`.

A round's life: ``running`` (queued until a worker process claims it — see
:mod:`webapp.worker` — then snapshot and engine at work; ``progress`` says which stage)
→ ``draft`` (proposals stored, for a facilitator to review, veto or trim) → ``published``
(parties can answer) → ``superseded`` (a newer round was published). A round whose engine
raised is ``failed`` with the error, and has no proposals: they are stored in one
transaction, all or nothing.

What a new round keeps (the README's "A proposal's life" draws it):

- **standing proposals** (published, not declined, before their ``respond_by`` deadline:
  ``published`` or ``accepted_by_some``) carry over untouched: same id, answers already
  given kept. The new round plans around them: their quantities are held like a confirmed
  deal's (:func:`webapp.market_io.snapshot_market`), and their pairings are handed to the
  engine as ``exclude_pairs``, so the same trade or barter is never proposed twice side by
  side. Only their deadline ends them: :func:`expire_overdue` (run as each round starts and
  is published) turns them ``expired``, with an event saying so;
- confirmed and completed proposals hold their quantities, so the engine plans around them;
- declined proposals hold nothing, so the next round re-solves over what they released —
  but it does not propose the same pairing again: the (offer, need) pairs of every leg of a
  proposal declined within ``EngineConfig.decline_memory_days`` (default 56 days, eight
  weekly rounds; :func:`declined_pairs`) are excluded too;
- a facilitator's vetoes exclude their pairings, and reductions cap them
  (:mod:`webapp.decisions`), until they lapse or are lifted.

Publishing a round supersedes the older rounds; their proposals that were never published
(``draft``) expire with the reason "superseded by round N". Published ones stand on.
"""

from __future__ import annotations

from .compare import ProposalChange, RoundComparison, compare_rounds
from .errors import RoundError
from .exclusions import declined_pairs, standing_pairs
from .publish import expire_overdue, publish_round, response_period
from .run import (
    HEARTBEAT,
    STALE_RUNNING,
    Engine,
    Progress,
    config_from_params,
    queue_match_round,
    retire_dead_rounds,
    run_match_round,
    running_round,
)
from .store import store_plans

__all__ = [
    "Engine",
    "HEARTBEAT",
    "Progress",
    "ProposalChange",
    "RoundComparison",
    "RoundError",
    "STALE_RUNNING",
    "compare_rounds",
    "config_from_params",
    "declined_pairs",
    "expire_overdue",
    "publish_round",
    "queue_match_round",
    "response_period",
    "retire_dead_rounds",
    "run_match_round",
    "running_round",
    "standing_pairs",
    "store_plans",
]
