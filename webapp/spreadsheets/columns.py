"""The columns of each import/export kind, the header aliases users write, and what a
blank cell means: the one column reference (``docs/spreadsheets.md`` documents it).

The seed CSVs use exactly these column names; spreadsheets from facilitators may use
Indonesian headers in any case and spacing ("Kabupaten/Kota", "Harga Maksimal", "Satuan").

An import updates only what the file says:

- a column **absent** from the file leaves that field of an existing record as it is (a new
  record gets the field's default);
- an **empty cell** in a present column either ``clears`` the field (no email, no note, no
  minimum lot, no ceiling price) or ``keeps`` it (:attr:`Column.blank`): the columns whose
  field has no "nothing" to clear to (language, period, status ...) keep their value;
- a required column must be present and its cells filled.
"""

from __future__ import annotations

from dataclasses import dataclass

from .reading import normalise_header

__all__ = [
    "CLEARS",
    "KEEPS",
    "KINDS",
    "USER_KINDS",
    "Column",
    "column",
    "columns",
    "header_map",
    "required_columns",
]

#: Every kind the import service knows, in the order the seed loads them.
KINDS = ("regencies", "products", "pesantren", "certificates", "offers", "needs")
#: The kinds facilitators import and export (the catalogue kinds come with the seed).
USER_KINDS = ("pesantren", "offers", "needs", "certificates")


#: What an empty cell in a present column does to an existing record's field.
CLEARS, KEEPS = "clears", "keeps"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    #: An empty cell ``clears`` the field (to its empty value) or ``keeps`` what is stored.
    blank: str = CLEARS


_NSPP = Column(
    "nspp", True, ("nspp", "nsp", "nomor_statistik", "no_statistik", "nomor_statistik_pesantren")
)
_PRODUCT = Column("product", True, ("produk", "barang", "komoditas", "nama_produk", "product_name"))

_LISTING = (
    _NSPP,
    _PRODUCT,
    Column("quantity", True, ("jumlah", "kuantitas", "volume", "qty", "jumlah_per_periode")),
    Column("unit", True, ("satuan", "unit_satuan")),
    Column(
        "unit_size",
        False,
        ("isi", "isi_per_satuan", "ukuran_satuan", "isi_kg", "berat_per_satuan", "kg_per_karung"),
    ),
    Column("period", False, ("periode", "per"), KEEPS),
    Column(
        "price",
        False,
        (
            "harga",
            "harga_satuan",
            "harga_per_satuan",
            "harga_maksimal",
            "harga_maks",
            "harga_tertinggi",
            "max_price",
            "price_ceiling",
        ),
    ),
    Column(
        "min_lot",
        False,
        (
            "minimal_pembelian",
            "min_order",
            "minimum",
            "pembelian_minimal",
            "lot_minimal",
            "minimal",
        ),
    ),
    Column(
        "required_certs",
        False,
        ("sertifikat_wajib", "sertifikat_diperlukan", "syarat_sertifikat", "required_certificates"),
    ),
    Column("available_from", False, ("tersedia_dari", "mulai", "tersedia_mulai", "dari_tanggal")),
    Column("available_until", False, ("tersedia_sampai", "sampai", "hingga", "sampai_tanggal")),
    Column("status", False, ("status_listing",), KEEPS),
    Column(
        "last_confirmed",
        False,
        ("terakhir_dikonfirmasi", "dikonfirmasi", "tanggal_konfirmasi", "last_confirmed_at"),
        KEEPS,
    ),
    Column("note", False, ("catatan", "keterangan", "notes", "ket")),
)

_COLUMNS: dict[str, tuple[Column, ...]] = {
    "regencies": (
        Column("code", True, ("bps_code", "kode", "kode_bps", "regency_code")),
        Column("name", True, ("nama", "kabupaten_kota")),
        Column("short_name", False, ("nama_pendek",)),
        Column("kind", False, ("type", "jenis")),
        Column("capital", False, ("ibu_kota", "ibukota")),
        Column("latitude", True, ("lat", "lintang")),
        Column("longitude", True, ("lon", "lng", "bujur")),
        Column("area_km2", False, ("luas", "luas_km2")),
        Column("population", False, ("penduduk", "jumlah_penduduk")),
        Column("pesantren_count", False, ("pesantren_pdpp_2021", "jumlah_pesantren")),
        Column("region_types", True, ("jenis_wilayah", "tipe_wilayah")),
        Column("note", False, ("catatan", "keterangan")),
    ),
    "products": (
        Column("slug", True, ("kode", "kode_produk")),
        Column("name_id", True, ("nama", "nama_produk", "nama_indonesia")),
        Column("name_en", True, ("nama_inggris", "name", "english_name")),
        Column("category", True, ("kategori",)),
        Column("parent_category", False, ("kategori_induk",)),
        Column("base_unit", True, ("typical_unit", "satuan_dasar", "satuan")),
        Column("alt_units", False, ("satuan_lain",)),
        Column("shelf_life_class", True, ("perishability", "kelas_daya_simpan")),
        Column("shelf_life", False, ("daya_simpan",)),
        Column("price_min", True, ("price_min_idr", "harga_min", "harga_minimal")),
        Column("price_max", True, ("price_max_idr", "harga_max", "harga_maks")),
        Column("certifications", False, ("sertifikasi",)),
        Column("hs_code", False, ("kode_hs",)),
        Column("produced_in", False, ("diproduksi_di", "daerah_produksi")),
        Column("kitchen_staple", False, ("kebutuhan_dapur",)),
        Column("aliases", False, ("alias", "nama_lain")),
        Column("substitutes", False, ("pengganti", "substitusi")),
        Column("notes", False, ("note", "catatan", "keterangan")),
    ),
    "pesantren": (
        _NSPP,
        Column(
            "name", True, ("nama", "nama_pesantren", "nama_pondok", "pesantren", "pondok_pesantren")
        ),
        Column(
            "regency_code",
            True,
            (
                "kabupaten_kota",
                "kabupaten",
                "kota",
                "kab_kota",
                "regency",
                "kode_kabupaten",
                "kode_wilayah",
            ),
        ),
        Column("address", False, ("alamat",)),
        Column("latitude", True, ("lat", "lintang")),
        Column("longitude", True, ("lon", "lng", "long", "bujur")),
        Column("region_types", False, ("jenis_wilayah", "tipe_wilayah"), KEEPS),
        Column("santri_count", False, ("jumlah_santri", "santri"), KEEPS),
        Column(
            "contact_name",
            False,
            ("kontak", "nama_kontak", "narahubung", "contact_person", "pengurus"),
        ),
        Column(
            "whatsapp",
            False,
            ("wa", "no_wa", "nomor_wa", "nomor_whatsapp", "no_whatsapp", "telepon", "hp", "no_hp"),
        ),
        Column("email", False, ("surel", "e_mail", "alamat_email")),
        Column("language", False, ("bahasa",), KEEPS),
        Column("curation_status", False, ("status_kurasi", "kurasi"), KEEPS),
    ),
    "offers": _LISTING,
    "needs": _LISTING,
    "certificates": (
        _NSPP,
        _PRODUCT,
        Column("kind", True, ("jenis", "jenis_sertifikat", "sertifikat", "tipe")),
        Column("number", True, ("nomor", "no", "nomor_sertifikat", "no_sertifikat")),
        Column("issued_on", True, ("terbit", "tanggal_terbit", "diterbitkan", "issued")),
        Column(
            "expires_on",
            False,
            (
                "kedaluwarsa",
                "kadaluwarsa",
                "kadaluarsa",
                "berlaku_sampai",
                "tanggal_kedaluwarsa",
                "expires",
            ),
        ),
    ),
}


def columns(kind: str) -> tuple[Column, ...]:
    """The columns of ``kind`` in export order."""
    return _COLUMNS[kind]


def column(kind: str, name: str) -> Column:
    """The column ``name`` of ``kind``."""
    return next(c for c in _COLUMNS[kind] if c.name == name)


def required_columns(kind: str) -> list[str]:
    return [c.name for c in _COLUMNS[kind] if c.required]


def header_map(kind: str, header: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map each header cell to a canonical column; also return the headers we ignore.

    Returns ``({header cell: column name}, [unknown header cells])``; when two cells mean the
    same column the first one wins.
    """
    lookup: dict[str, str] = {}
    for col in _COLUMNS[kind]:
        lookup[normalise_header(col.name)] = col.name
        for alias in col.aliases:
            lookup.setdefault(normalise_header(alias), col.name)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for cell in header:
        name = lookup.get(normalise_header(cell))
        if name is None or name in mapping.values():
            unknown.append(cell)
        else:
            mapping[cell] = name
    return mapping, unknown
