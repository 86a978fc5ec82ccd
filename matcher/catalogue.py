"""Product resolution: free text (Indonesian, English, Javanese, typos) to a catalogue slug.

Officers type what they call a product: "gereh", "ikan asin", "salted fish" and "ikan asn"
all mean ``ikan-asin``. A :class:`ProductResolver`, built once per catalogue, tries in order

1. the exact **slug** (``ikan-asin``, also typed ``ikan asin``);
2. an exact **name**, Indonesian or English (``Ikan asin``, ``Salted dried fish``); a full
   name's parenthetical note counts where it tells two products apart (``Air minum dalam
   kemasan (gelas 220 ml)`` is ``amdk-gelas``, the 600 ml bottle ``amdk-botol``);
3. an exact **alias** from the catalogue (``gereh``, ``wos (Jawa)`` is stored as ``wos``),
   ignoring case, spacing, punctuation and parenthetical notes;
4. a **word prefix**: a whole word that starts the names of one product names it, of
   several is ambiguous ("cabai": rawit or merah keriting?);
5. a **fuzzy** match (rapidfuzz ``WRatio`` averaged with ``token_sort_ratio``) over slugs,
   names and aliases in both languages, accepted above :data:`FUZZY_THRESHOLD` and only when
   the best product leads the next *different* product by :data:`AMBIGUITY_MARGIN`;
   otherwise the result is **ambiguous** and names both.

>>> import pandas as pd
>>> catalogue = pd.DataFrame({
...     "product": ["ikan-asin", "teri-asin"],
...     "name_id": ["Ikan asin", "Ikan teri asin"],
...     "name_en": ["Salted dried fish", "Salted dried anchovy"],
...     "aliases": ["gereh (Jawa)|ikan kering", "teri|teri jengki"],
... })
>>> resolver = ProductResolver(catalogue)
>>> resolver.resolve("Gereh").product, resolver.resolve("Gereh").method
('ikan-asin', 'alias')
>>> resolver.resolve("salted fish").product
'ikan-asin'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

__all__ = [
    "AMBIGUITY_MARGIN",
    "FUZZY_THRESHOLD",
    "AmbiguousProduct",
    "Method",
    "ProductResolver",
    "Resolution",
    "ResolutionError",
    "UnknownProduct",
    "normalise_text",
]

Method = Literal["slug", "name", "alias", "fuzzy", "ambiguous", "none"]

#: A fuzzy match scoring below this (0–100) is no match.
FUZZY_THRESHOLD: Final = 80.0
#: The best product must lead the next different product by this much, or it is ambiguous.
AMBIGUITY_MARGIN: Final = 4.0
# Misses scoring at least this are worth naming as "closest" in an error message.
_NEAR_MISS: Final = 55.0


class ResolutionError(ValueError):
    """Free text that does not name exactly one product."""

    def __init__(self, text: str, message: str, candidates: tuple[tuple[str, float], ...]):
        self.text = text
        self.candidates = candidates
        super().__init__(message)


class UnknownProduct(ResolutionError):
    """No product matches the text."""


class AmbiguousProduct(ResolutionError):
    """Several products match the text equally well."""


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving text: ``product`` slug (``None`` unless found) and how.

    ``candidates`` holds ``(slug, score)`` pairs, best first: the match itself for a found
    product, the tied products for an ambiguous one, the closest misses for none.
    """

    text: str
    product: str | None
    method: Method
    candidates: tuple[tuple[str, float], ...] = field(default=())

    @property
    def found(self) -> bool:
        return self.product is not None


def normalise_text(text: str) -> str:
    """Lower-case, strip accents, parenthetical notes and punctuation, collapse spaces.

    >>> normalise_text("  Wos (Jawa) ")
    'wos'
    >>> normalise_text("Kopi-Arabika, Bondowoso!")
    'kopi arabika bondowoso'
    """
    without_notes = re.sub(r"\([^)]*\)", " ", _folded(text))
    return re.sub(r"[^0-9a-z]+", " ", without_notes).strip()


def _folded(text: str) -> str:
    """Lower case without accents (:func:`normalise_text`'s first step)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _with_notes(text: str) -> str:
    """Like :func:`normalise_text`, but a parenthetical note stays (as words)."""
    return re.sub(r"[^0-9a-z]+", " ", _folded(text)).strip()


_QUALIFIERS: Final = frozenset(
    ["segar", "kering", "mentah", "kemasan", "hidup", "fresh", "dried", "raw", "packed", "live"]
)


def _without_qualifiers(name: str) -> str:
    words = normalise_text(name).split()
    kept = [w for w in words if w not in _QUALIFIERS]
    return " ".join(kept) if len(kept) < len(words) else ""


def _split_list(value: object, sep: str) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v).strip()]
    return [part for part in str(value).split(sep) if part.strip()]


class ProductResolver:
    """Resolve free text to catalogue slugs; build once per catalogue and reuse.

    Parameters
    ----------
    catalogue
        A frame with the slug in ``product`` (Market) or ``slug`` (seed CSV), and optional
        ``name_id``, ``name_en`` and ``aliases`` (``|``-joined text or lists).
    threshold, margin
        Fuzzy acceptance score (0–100) and the lead the best product needs over the next.
    """

    def __init__(
        self,
        catalogue: pd.DataFrame,
        *,
        threshold: float = FUZZY_THRESHOLD,
        margin: float = AMBIGUITY_MARGIN,
    ) -> None:
        key = "product" if "product" in catalogue.columns else "slug"
        if key not in catalogue.columns:
            raise ValueError("catalogue needs a 'product' or 'slug' column")
        self.threshold = threshold
        self.margin = margin
        self._slugs: tuple[str, ...] = tuple(str(s) for s in catalogue[key])
        self._names: dict[str, tuple[str, str]] = {}
        self._exact: dict[str, dict[str, set[str]]] = {"slug": {}, "name": {}, "alias": {}}
        self._full_names: dict[str, set[str]] = {}  # names with their notes kept
        choices: dict[str, set[str]] = {}

        def column(name: str) -> list[object]:
            if name in catalogue.columns:
                return list(catalogue[name])
            return [""] * len(catalogue)

        rows = zip(
            self._slugs, column("name_id"), column("name_en"), column("aliases"), strict=True
        )
        for slug, name_id, name_en, aliases in rows:
            self._names[slug] = (str(name_id or ""), str(name_en or ""))
            self._add("slug", slug, [slug], choices)
            names = [str(n) for n in (name_id, name_en) if n and str(n) == str(n)]
            self._add("name", slug, names, choices)
            for name in names:
                self._full_names.setdefault(_with_notes(name), set()).add(slug)
            # "Sawi hijau / caisim": each part is as good as an alias, and so is a name
            # without its state ("Ikan tongkol segar" is what people call "ikan tongkol").
            parts = [p for n in names if " / " in n for p in n.split(" / ")]
            bare = [_without_qualifiers(n) for n in names + parts]
            self._add("alias", slug, parts + bare + _split_list(aliases, "|"), choices)
        self._choices: tuple[str, ...] = tuple(sorted(choices))
        self._choice_products: tuple[tuple[str, ...], ...] = tuple(
            tuple(sorted(choices[c])) for c in self._choices
        )

    def _add(
        self, level: str, slug: str, texts: Iterable[str], choices: dict[str, set[str]]
    ) -> None:
        for text in texts:
            key = normalise_text(text)
            if not key:
                continue
            self._exact[level].setdefault(key, set()).add(slug)
            choices.setdefault(key, set()).add(slug)

    @property
    def products(self) -> tuple[str, ...]:
        """Every slug the resolver knows, in catalogue order."""
        return self._slugs

    def resolve(self, text: str) -> Resolution:
        """Resolve ``text`` to one product, or say why not.

        Examples
        --------
        >>> import pandas as pd
        >>> r = ProductResolver(pd.DataFrame({"slug": ["beras-medium", "beras-premium"],
        ...     "name_id": ["Beras medium", "Beras premium"], "aliases": ["beras", "beras"]}))
        >>> r.resolve("beras").method, r.resolve("beras").product
        ('ambiguous', None)
        >>> r.resolve("beras premuim").product
        'beras-premium'
        """
        raw = str(text).strip()
        key = normalise_text(raw)
        if not key:
            return Resolution(raw, None, "none")
        slug_key = raw.lower()
        if slug_key in self._names:
            return Resolution(raw, slug_key, "slug", ((slug_key, 100.0),))
        full = self._full_names.get(_with_notes(raw), set())
        if len(full) == 1 and key not in self._exact["slug"]:
            (slug,) = full
            return Resolution(raw, slug, "name", ((slug, 100.0),))
        for level in ("slug", "name", "alias"):
            found = self._exact[level].get(key)
            if found:
                if len(found) == 1:
                    (slug,) = found
                    method: Method = "slug" if level == "slug" else level
                    return Resolution(raw, slug, method, ((slug, 100.0),))
                tied = tuple((s, 100.0) for s in sorted(found))
                return Resolution(raw, None, "ambiguous", tied)
        # A whole word that starts several names ("cabai", "sabun") is ambiguous; one that
        # starts a single product's names ("mie") names it.
        starting = self._starting(key)
        if starting:
            scored = dict(self._rank(key, limit=len(self._slugs)))
            ordered = sorted(starting, key=lambda s: (-scored.get(s, 0.0), s))
            candidates = tuple((s, max(scored.get(s, 0.0), self.threshold)) for s in ordered)
            if len(ordered) == 1:
                return Resolution(raw, ordered[0], "fuzzy", candidates)
            return Resolution(raw, None, "ambiguous", candidates[:8])
        ranked = self._rank(key, limit=5)
        if not ranked or ranked[0][1] < self.threshold:
            near = tuple(c for c in ranked[:3] if c[1] >= _NEAR_MISS)
            return Resolution(raw, None, "none", near)
        best_slug, best = ranked[0]
        close = tuple(c for c in ranked if best - c[1] < self.margin)
        if len(close) > 1:
            return Resolution(raw, None, "ambiguous", close)
        return Resolution(raw, best_slug, "fuzzy", tuple(ranked[:3]))

    def _starting(self, key: str) -> set[str]:
        prefix = key + " "
        return {
            slug
            for choice, slugs in zip(self._choices, self._choice_products, strict=True)
            if choice.startswith(prefix)
            for slug in slugs
        }

    def _rank(self, key: str, limit: int) -> list[tuple[str, float]]:
        """Products by their best fuzzy score over all names and aliases, best first.

        The score is the mean of ``WRatio`` (forgiving: word order, partial matches) and
        ``token_sort_ratio`` (strict about length), so a short alias inside a longer query
        ("beras" in "beras premuim") does not tie with the full name it misspells.
        """
        if not self._choices:
            return []
        loose = process.cdist([key], self._choices, scorer=fuzz.WRatio, processor=None)[0]
        strict = process.cdist([key], self._choices, scorer=fuzz.token_sort_ratio, processor=None)[
            0
        ]
        scores = (np.asarray(loose, dtype=float) + np.asarray(strict, dtype=float)) / 2.0
        best: dict[str, float] = {}
        for index in np.argsort(-scores, kind="stable")[: max(20, limit * 4)]:
            score = round(float(scores[index]), 1)
            for slug in self._choice_products[int(index)]:
                best[slug] = max(best.get(slug, 0.0), score)
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def resolve_or_raise(self, text: str) -> str:
        """The slug ``text`` names, or raise :class:`UnknownProduct` / :class:`AmbiguousProduct`.

        >>> import pandas as pd
        >>> r = ProductResolver(pd.DataFrame({"slug": ["kopi-bubuk"], "name_en": ["Ground coffee"]}))
        >>> r.resolve_or_raise("kopi bubuk")
        'kopi-bubuk'
        >>> r.resolve_or_raise("sepatu")
        Traceback (most recent call last):
        ...
        matcher.catalogue.UnknownProduct: no product matches 'sepatu'
        """
        result = self.resolve(text)
        if result.product is not None:
            return result.product
        shown = ", ".join(f"{slug} ({score:.0f})" for slug, score in result.candidates)
        if result.method == "ambiguous":
            raise AmbiguousProduct(
                result.text,
                f"{result.text!r} could be several products: {shown}; type the slug or a "
                "fuller name",
                result.candidates,
            )
        hint = f"; closest: {shown}" if shown else ""
        raise UnknownProduct(
            result.text, f"no product matches {result.text!r}{hint}", result.candidates
        )

    def suggest(self, text: str, limit: int = 8) -> list[str]:
        """Slugs for an autocomplete box: names starting with the text first, then fuzzy.

        >>> import pandas as pd
        >>> r = ProductResolver(pd.DataFrame({"slug": ["kopi-bubuk", "kopiah-peci", "kecap"],
        ...     "name_id": ["Kopi bubuk", "Kopiah / peci", "Kecap manis"],
        ...     "name_en": ["Ground coffee", "Muslim cap", "Sweet soy sauce"]}))
        >>> r.suggest("kop")
        ['kopi-bubuk', 'kopiah-peci']
        """
        if limit <= 0:
            return []
        key = normalise_text(text)
        if not key:
            return []
        prefixed: list[str] = []
        for choice, slugs in zip(self._choices, self._choice_products, strict=True):
            if choice.startswith(key) or any(w.startswith(key) for w in choice.split()[1:]):
                prefixed.extend(s for s in slugs if s not in prefixed)
        # Products whose own names start with the text outrank alias hits.
        prefixed.sort(key=lambda s: (not self._name_starts(s, key), self._slugs.index(s)))
        if len(key) >= 3:
            prefixed.extend(
                slug
                for slug, score in self._rank(key, limit=limit * 2)
                if score >= self.threshold - 15
            )
        return list(dict.fromkeys(prefixed))[:limit]

    def _name_starts(self, slug: str, key: str) -> bool:
        names = (slug.replace("-", " "), *self._names[slug])
        return any(normalise_text(n).startswith(key) for n in names)

    def name(self, slug: str, language: str = "id") -> str:
        """The display name of ``slug`` in ``language`` (``id`` or ``en``)."""
        name_id, name_en = self._names[slug]
        return (name_en if language == "en" else name_id) or name_id or slug
