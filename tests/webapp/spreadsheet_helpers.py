"""Shared set-up for the import/export tests: a small catalogue and network, and a snapshot
of everything an import could change."""

from __future__ import annotations

from pathlib import Path

from tests.factories import make_pesantren, make_product, make_regency
from webapp.models import ProductAlias, db
from webapp.spreadsheets import USER_KINDS, export_frame

BATU_NSPP = "512035790001"
SUMENEP_NSPP = "512035290002"


def make_catalogue() -> None:
    for code in ("3579", "3529", "3578", "3511"):
        make_regency(code)
    products = {
        "ikan-asin": {"aliases": ["gereh", "ikan kering"], "name_id": "Ikan asin", "name_en": "Salted dried fish", "alt_units": "karung|kwintal"},
        "teri-asin": {"aliases": ["teri"], "name_id": "Ikan teri asin", "name_en": "Salted anchovy", "alt_units": "karung"},
        "beras-medium": {"aliases": ["beras"], "name_id": "Beras medium", "name_en": "Rice, medium", "category": "staples"},
        "beras-premium": {"aliases": ["beras"], "name_id": "Beras premium", "name_en": "Rice, premium", "category": "staples"},
        "susu-sapi": {"aliases": ["susu"], "name_id": "Susu sapi segar", "name_en": "Fresh cow's milk", "base_unit": "liter", "shelf_life_class": "chilled"},
        "sarung": {"aliases": [], "name_id": "Sarung", "name_en": "Sarong", "base_unit": "pcs", "category": "fashion"},
    }  # fmt: skip
    for slug, fields in products.items():
        aliases = fields.pop("aliases")
        product = make_product(slug, **fields)
        product.alias_rows = [ProductAlias(alias=a) for a in aliases]
    db.session.flush()


def make_network() -> None:
    make_catalogue()
    make_pesantren("3579", nspp=BATU_NSPP, name="Pondok Pesantren Darul Ulum Batu")
    make_pesantren("3529", nspp=SUMENEP_NSPP, name="Pondok Pesantren Nurul Huda Sumenep")
    db.session.commit()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Everything the importer can write, as comparable rows."""
    db.session.expire_all()
    return {
        kind: [tuple(r) for r in export_frame(kind).astype(str).itertuples(index=False)]
        for kind in USER_KINDS
    }
