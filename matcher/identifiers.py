"""Shape checks for the identifiers pesantren carry (offline; authoritative checks are online).

Formats follow Kemenag, BPJPH and BPOM rules as summarised in ``seed_data/SOURCES.md``:

- **NSPP**: 12 digits, ``51`` + 2 type digits + province ``35`` + kab/kota code + 4-digit serial.
  About 0.6 % of real East Java records use an older layout: accepted with a warning.
- **Halal** (BPJPH, since 2019): ``ID`` + 17 digits.
- **P-IRT**: 15 digits, usually written ``1234567890123-45``; the last two are the expiry year.
- **BPOM MD**: ``MD`` + 12 digits (optionally prefixed ``BPOM RI``).
- **SNI**: ``SNI 3553:2015``.

>>> check_nspp("512035710012").ok
True
>>> check_identifier("halal", "ID3511001705884042").ok
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["IdentifierCheck", "check_identifier", "check_nspp", "normalise_identifier"]

#: BPS kab/kota codes of East Java (35.01–35.29, 35.71–35.79).
EAST_JAVA_KAB: Final = frozenset(
    [f"{i:02d}" for i in range(1, 30)] + [f"{i:02d}" for i in range(71, 80)]
)

_NSPP = re.compile(r"^51\d{2}(\d{2})(\d{2})\d{4}$")
_PATTERNS: Final = {
    "halal": re.compile(r"^ID\d{17}$"),
    "pirt": re.compile(r"^[1-8]\d{12}-?\d{2}$"),
    "bpom_md": re.compile(r"^(BPOM RI )?M[DL] ?\d{12}$"),
    "sni": re.compile(r"^SNI ?\d{3,5}(-\d+)?(\.\d+)?:\d{4}$"),
}
_FORMATS: Final = {
    "halal": "ID + 17 digits, e.g. ID35110017058840424",
    "pirt": "15 digits, e.g. 5133522011295-25",
    "bpom_md": "MD + 12 digits, e.g. MD 235602169254",
    "sni": "SNI number:year, e.g. SNI 3553:2015",
}


@dataclass(frozen=True)
class IdentifierCheck:
    """Outcome of a shape check: ``ok``; ``warning`` for odd-but-accepted; ``error`` otherwise."""

    value: str
    ok: bool
    error: str = ""
    warning: str = ""


def normalise_identifier(kind: str, value: str) -> str:
    """Upper-case, strip ``P-IRT``/``No.`` prefixes and collapse spaces."""
    text = re.sub(r"\s+", " ", str(value)).strip().upper()
    if kind == "pirt":
        text = re.sub(r"^(SPP-)?P-?IRT\s*(NO\.?)?\s*", "", text)
    if kind in ("halal", "nspp"):
        text = text.replace(" ", "").replace(".", "")
    return text


def check_nspp(value: str, regency_code: str | None = None) -> IdentifierCheck:
    """Check an NSPP; when ``regency_code`` (BPS, e.g. ``"3579"``) is given, check it matches."""
    text = normalise_identifier("nspp", value)
    if not re.fullmatch(r"\d{12}", text):
        return IdentifierCheck(text, False, error="NSPP must be 12 digits, e.g. 512035710012")
    match = _NSPP.match(text)
    if match is None:
        return IdentifierCheck(text, False, error="NSPP must start with 51, e.g. 512035710012")
    prov, kab = match.groups()
    if prov != "35" or kab not in EAST_JAVA_KAB:
        return IdentifierCheck(
            text, True, warning="NSPP does not carry an East Java region code (older layout?)"
        )
    if regency_code is not None and f"{prov}{kab}" != regency_code:
        return IdentifierCheck(
            text, True, warning=f"NSPP region code {prov}{kab} differs from regency {regency_code}"
        )
    return IdentifierCheck(text, True)


def check_identifier(kind: str, value: str) -> IdentifierCheck:
    """Check a certificate number of ``kind`` (``halal``, ``pirt``, ``bpom_md``, ``sni``)."""
    if kind not in _PATTERNS:
        raise ValueError(f"unknown certificate kind {kind!r}; expected one of {sorted(_PATTERNS)}")
    text = normalise_identifier(kind, value)
    if _PATTERNS[kind].match(text):
        return IdentifierCheck(text, True)
    return IdentifierCheck(text, False, error=f"{kind} number must be {_FORMATS[kind]}")
