"""The error a round action raises when the round's status does not allow it."""

from __future__ import annotations

__all__ = ["RoundError"]


class RoundError(ValueError):
    """A round action that the round's status does not allow."""
