"""Resolving what officers type to catalogue products, on the shipped seed catalogue."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.catalogue import (
    AmbiguousProduct,
    ProductResolver,
    ResolutionError,
    UnknownProduct,
    normalise_text,
)

SEED = Path(__file__).resolve().parents[2] / "seed_data" / "products.csv"


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return pd.read_csv(SEED, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def resolver(catalogue: pd.DataFrame) -> ProductResolver:
    return ProductResolver(catalogue)


@pytest.mark.parametrize(
    ("text", "product", "method"),
    [
        ("ikan-asin", "ikan-asin", "slug"),
        ("IKAN-ASIN", "ikan-asin", "slug"),
        ("ikan asin", "ikan-asin", "slug"),
        ("Salted dried fish", "ikan-asin", "name"),
        ("Rice, premium grade", "beras-premium", "name"),
        ("Rice, medium grade", "beras-medium", "name"),
        ("Air minum dalam kemasan (gelas 220 ml)", "amdk-gelas", "name"),
        ("air minum dalam kemasan (botol 600 ml)", "amdk-botol", "name"),
        ("gereh", "ikan-asin", "alias"),
        ("Gereh ", "ikan-asin", "alias"),
        ("salted fish", "ikan-asin", "alias"),
        ("wos", "beras-medium", "alias"),
        ("wos (Jawa)", "beras-medium", "alias"),
        ("brambang", "bawang-merah", "alias"),
        ("ikan tongkol", "ikan-tongkol-segar", "alias"),
        ("caisim", "sawi-hijau", "alias"),
        ("ikan asn", "ikan-asin", "fuzzy"),
        ("kopi arabika bondowso", "kopi-arabika-green", "fuzzy"),
        ("beras premuim", "beras-premium", "fuzzy"),
        ("bawang merha", "bawang-merah", "fuzzy"),
        ("telor ayam", "telur-ayam-ras", "fuzzy"),
        ("kripik singkong", "keripik-singkong", "fuzzy"),
        ("fish crackers", "kerupuk-ikan-mentah", "fuzzy"),
    ],
)
def test_text_resolves_to_the_product_by_the_first_method_that_fits(
    resolver: ProductResolver, text: str, product: str, method: str
) -> None:
    result = resolver.resolve(text)
    assert (result.product, result.method) == (product, method)
    assert result.candidates[0][0] == product


def test_every_products_full_names_name_it(
    resolver: ProductResolver, catalogue: pd.DataFrame
) -> None:
    # the two AMDK names differ only in their notes ("gelas 220 ml", "botol 600 ml")
    for column in ("name_id", "name_en"):
        for slug, name in zip(catalogue["slug"], catalogue[column], strict=True):
            assert resolver.resolve(name).product == slug, (column, name)
    assert resolver.resolve("Air minum dalam kemasan").method == "ambiguous"


def test_the_required_slugs_exist(catalogue: pd.DataFrame) -> None:
    slugs = set(catalogue["slug"])
    assert {"ikan-asin", "beras-medium", "beras-premium", "kopi-arabika-green"} <= slugs
    aliases = catalogue.set_index("slug").loc["ikan-asin", "aliases"].split("|")
    assert "gereh (Jawa)" in aliases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cabai", {"cabai-rawit", "cabai-merah-keriting"}),
        ("AMDK", {"amdk-gelas", "amdk-botol"}),
        ("sabun", {"sabun-cair", "sabun-mandi-herbal"}),
        ("batik", {"batik-tulis", "batik-cap"}),
        ("susu", {"susu-sapi-segar", "susu-pasteurisasi"}),
        ("ikan", {"ikan-asin", "ikan-asap", "ikan-lele"}),
    ],
)
def test_text_close_to_several_products_is_ambiguous_with_both(
    resolver: ProductResolver, text: str, expected: set[str]
) -> None:
    result = resolver.resolve(text)
    assert result.product is None
    assert result.method == "ambiguous"
    assert expected <= {slug for slug, _ in result.candidates}


@pytest.mark.parametrize("text", ["xyzzy", "sepeda motor", "", "   ", "!!!"])
def test_text_matching_nothing_resolves_to_none(resolver: ProductResolver, text: str) -> None:
    result = resolver.resolve(text)
    assert (result.product, result.method, result.found) == (None, "none", False)


def test_resolve_or_raise_returns_the_slug(resolver: ProductResolver) -> None:
    assert resolver.resolve_or_raise("gereh") == "ikan-asin"


def test_unknown_product_error_names_the_text(resolver: ProductResolver) -> None:
    with pytest.raises(UnknownProduct, match="no product matches 'sepeda motor'") as info:
        resolver.resolve_or_raise("sepeda motor")
    assert isinstance(info.value, ResolutionError)
    assert isinstance(info.value, ValueError)
    assert info.value.text == "sepeda motor"


def test_ambiguous_product_error_names_the_text_and_candidates(resolver: ProductResolver) -> None:
    with pytest.raises(AmbiguousProduct, match="'cabai' could be several products") as info:
        resolver.resolve_or_raise("cabai")
    message = str(info.value)
    assert "cabai-rawit" in message
    assert "cabai-merah-keriting" in message
    assert {slug for slug, _ in info.value.candidates} >= {"cabai-rawit", "cabai-merah-keriting"}


def test_close_fuzzy_scores_for_two_products_are_ambiguous() -> None:
    resolver = ProductResolver(
        pd.DataFrame(
            {
                "product": ["kopi-bubuk", "kopi-bubur"],
                "name_id": ["Kopi bubuk", "Kopi bubur"],
                "name_en": ["Ground coffee", "Coffee porridge"],
                "aliases": ["", ""],
            }
        )
    )
    result = resolver.resolve("kopi bubu")
    assert result.method == "ambiguous"
    assert [slug for slug, _ in result.candidates] == ["kopi-bubuk", "kopi-bubur"]


def test_alias_shared_by_two_products_is_ambiguous() -> None:
    resolver = ProductResolver(
        pd.DataFrame({"slug": ["a", "b"], "name_id": ["A", "B"], "aliases": ["sama", "sama|lain"]})
    )
    assert resolver.resolve("Sama").method == "ambiguous"
    assert resolver.resolve("lain").product == "b"


def test_market_catalogue_frames_with_a_product_column_work() -> None:
    frame = pd.DataFrame({"product": ["tempe"], "name_id": ["Tempe"], "name_en": ["Tempe"]})
    assert ProductResolver(frame).resolve("tempe").product == "tempe"


def test_catalogue_without_a_slug_column_is_rejected() -> None:
    with pytest.raises(ValueError, match="'product' or 'slug' column"):
        ProductResolver(pd.DataFrame({"name": ["x"]}))


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("kop", {"kopi-arabika-green", "kopi-robusta-green", "kopi-bubuk", "kopi-rempah-sachet"}),
        ("ikan as", {"ikan-asin", "ikan-asap"}),
        ("salted", {"ikan-asin", "teri-asin", "cumi-asin", "telur-asin"}),
    ],
)
def test_suggest_offers_products_whose_names_start_with_the_text(
    resolver: ProductResolver, text: str, first: set[str]
) -> None:
    suggestions = resolver.suggest(text, limit=8)
    assert first <= set(suggestions[: len(first) + 1]) | set(suggestions)
    assert set(suggestions[: len(first)]) <= first | set(suggestions[: len(first)])
    assert len(suggestions) <= 8


def test_suggest_finds_misspelt_products(resolver: ProductResolver) -> None:
    assert "kentang" in resolver.suggest("kentng")


def test_suggest_respects_the_limit_and_empty_text(resolver: ProductResolver) -> None:
    assert len(resolver.suggest("a", limit=3)) <= 3
    assert resolver.suggest("", limit=5) == []
    assert resolver.suggest("kopi", limit=0) == []


def test_normalise_text_drops_notes_case_and_punctuation() -> None:
    assert normalise_text("Sarung Gresik/Lamongan (check)") == "sarung gresik lamongan"
    assert normalise_text("Kopi Arabika, Bondowoso!") == "kopi arabika bondowoso"


def test_display_names_follow_language(resolver: ProductResolver) -> None:
    assert resolver.name("ikan-asin") == "Ikan asin"
    assert resolver.name("ikan-asin", "en") == "Salted dried fish"


def test_a_word_starting_one_products_name_names_it() -> None:
    resolver = ProductResolver(
        pd.DataFrame(
            {
                "slug": ["kerupuk-ikan", "kopi-bubuk", "kopi-rempah"],
                "name_id": ["Kerupuk ikan", "Kopi bubuk", "Kopi rempah"],
                "name_en": ["Fish crackers", "Ground coffee", "Spiced coffee"],
            }
        )
    )
    assert (resolver.resolve("kerupuk").product, resolver.resolve("kerupuk").method) == (
        "kerupuk-ikan",
        "fuzzy",
    )
    ambiguous = resolver.resolve("kopi")
    assert ambiguous.method == "ambiguous"
    assert {slug for slug, _ in ambiguous.candidates} == {"kopi-bubuk", "kopi-rempah"}
