"""What the ILLUSTRATIVE network looks like: tables read by ``generate.py``.

Where pesantren sit, what each regency is known for, what kitchens and shops buy per santri,
what producers buy as inputs, which certificates they hold, and the made-up names. Every
number here is an ESTIMATE chosen to make a plausible network, not sourced data.
"""

from __future__ import annotations

# Where pesantren of each regency are placed: a centre on land and the largest radius (km)
# that stays on land around it. Capitals on the coast get a centre moved inland and a small
# radius; the actual radius is min(cap, 0.4 * sqrt(area)). Judged from maps (ESTIMATE).
PLACEMENT: dict[str, tuple[float, float, float]] = {
    "3501": (-8.08, 111.15, 11.0),  # Pacitan: town on the south-coast bay; go north
    "3502": (-7.87, 111.46, 18.0),
    "3503": (-8.06, 111.70, 13.0),  # Trenggalek: Prigi coast ~25 km south
    "3504": (-8.07, 111.90, 13.0),
    "3505": (-8.10, 112.22, 14.0),  # Blitar: south coast at ~-8.35
    "3506": (-7.82, 112.07, 18.0),
    "3507": (-8.02, 112.62, 22.0),  # Kab. Malang: centre between Kepanjen and the highlands
    "3508": (-8.12, 113.20, 14.0),
    "3509": (-8.13, 113.68, 18.0),  # Jember: Puger coast ~-8.37
    "3510": (-8.30, 114.20, 13.0),  # Banyuwangi: town on the strait; use the inland ref point
    "3511": (-7.92, 113.82, 16.0),
    "3512": (-7.80, 113.95, 9.0),  # Situbondo: narrow strip along the north coast
    "3513": (-7.88, 113.35, 12.0),  # Kab. Probolinggo: Kraksaan is on the coast
    "3514": (-7.75, 112.80, 13.0),  # Kab. Pasuruan: Bangil near the coast
    "3515": (-7.45, 112.66, 8.0),  # Sidoarjo: ponds and sea to the east
    "3516": (-7.55, 112.54, 12.0),
    "3517": (-7.56, 112.23, 14.0),
    "3518": (-7.60, 111.91, 15.0),
    "3519": (-7.56, 111.65, 13.0),
    "3520": (-7.65, 111.34, 10.0),
    "3521": (-7.42, 111.42, 15.0),
    "3522": (-7.20, 111.85, 18.0),
    "3523": (-6.99, 111.95, 9.0),  # Tuban: town on the north coast
    "3524": (-7.15, 112.38, 14.0),
    "3525": (-7.19, 112.55, 7.0),  # Gresik: strait to the east; Bawean left out
    "3526": (-7.04, 112.89, 7.0),  # Bangkalan: town on Madura's west coast
    "3527": (-7.08, 113.25, 9.0),  # Sampang: town on Madura's south coast
    "3528": (-7.07, 113.49, 8.0),  # Pamekasan: south coast at ~-7.2
    "3529": (-6.99, 113.80, 7.0),  # Sumenep: the ref point is at sea; use the capital area
    "3571": (-7.827, 112.01, 3.0),
    "3572": (-8.098, 112.164, 2.3),
    "3573": (-7.98, 112.63, 4.0),
    "3574": (-7.77, 113.21, 2.5),  # Kota Probolinggo: port on the north coast
    "3575": (-7.655, 112.905, 2.0),  # Kota Pasuruan: port on the north coast
    "3576": (-7.4632, 112.4308, 1.8),
    "3577": (-7.6292, 111.5153, 2.4),
    "3578": (-7.30, 112.72, 5.5),  # Surabaya: coast north and east
    "3579": (-7.87, 112.53, 5.0),
}

# What each regency is known for (regency notes in regencies.csv); these products are
# offered there far more often, whatever the catalogue's produced_in says.
SPECIALTIES: dict[str, list[str]] = {
    "3501": ["kelapa", "gula-merah", "ikan-asin", "batik-tulis", "singkong"],
    "3502": ["beras-medium", "jahe", "alpukat", "kopiah-peci"],
    "3503": ["ikan-pindang", "ikan-tongkol-segar", "singkong", "gula-merah"],
    "3504": ["beras-medium", "jagung-pipil-kering", "susu-sapi-segar", "ikan-asin"],
    "3505": ["telur-ayam-ras", "telur-ayam-ras", "kopi-robusta-green", "beras-medium"],
    "3506": ["tahu", "cabai-rawit", "bawang-merah", "nanas", "beras-medium"],
    "3507": ["apel", "susu-sapi-segar", "kopi-robusta-green", "kentang", "ikan-tongkol-segar"],
    "3508": ["pisang", "kambing-domba-hidup", "beras-medium", "kopi-robusta-green"],
    "3509": ["kopi-robusta-green", "kopi-bubuk", "tembakau-rajangan", "kedelai", "ikan-asin"],
    "3510": ["ikan-lemuru", "ikan-pindang", "tepung-ikan", "buah-naga", "jeruk"],
    "3511": ["kopi-arabika-green", "kopi-bubuk", "tape-singkong", "tembakau-rajangan"],
    "3512": ["garam-krosok", "udang-vaname", "mangga", "ikan-asin", "tembakau-rajangan"],
    "3513": ["bawang-merah", "bawang-goreng", "kecap", "mangga", "kentang", "kubis"],
    "3514": ["apel", "susu-sapi-segar", "kentang", "ikan-bandeng-segar", "sarung-tenun-mesin"],
    "3515": ["kerupuk-ikan-mentah", "petis", "terasi", "ikan-bandeng-segar", "kerang-kupang"],
    "3516": ["sawi-hijau", "wortel", "beras-medium", "kubis"],
    "3517": ["beras-medium", "beras-premium", "jagung-pipil-kering", "jasa-percetakan-kitab"],
    "3518": ["bawang-merah", "bawang-merah", "beras-medium", "jagung-pipil-kering"],
    "3519": ["brem", "porang", "beras-medium", "jagung-pipil-kering"],
    "3520": ["jeruk", "kerajinan-kulit", "wortel", "kubis", "stroberi"],
    "3521": ["beras-medium", "beras-premium", "jagung-pipil-kering"],
    "3522": ["beras-medium", "jagung-pipil-kering", "tembakau-rajangan"],
    "3523": ["ikan-asin", "batik-tulis", "terasi", "teri-asin"],
    "3524": ["ikan-asin", "terasi", "kerupuk-ikan-mentah", "teri-asin", "beras-medium"],
    "3525": ["kopiah-peci", "sarung-tenun-tangan", "ikan-bandeng-segar", "petis"],
    "3526": ["batik-tulis", "sapi-potong-hidup", "jagung-pipil-kering", "garam-krosok"],
    "3527": ["garam-krosok", "garam-krosok", "sapi-potong-hidup", "ikan-asin", "garam-konsumsi"],
    "3528": ["garam-krosok", "batik-tulis", "tembakau-rajangan", "petis", "garam-konsumsi"],
    "3529": ["garam-krosok", "rumput-laut-kering", "ikan-asin", "teri-asin", "garam-konsumsi"],
    "3571": ["tahu", "roti", "sarung-tenun-mesin"],
    "3572": ["telur-ayam-ras", "roti"],
    "3573": ["keripik-tempe", "roti", "jasa-percetakan-kitab", "seragam-santri"],
    "3574": ["mangga", "ikan-asin", "terasi"],
    "3575": ["ikan-asin", "kerupuk-ikan-mentah", "sarung-tenun-mesin"],
    "3576": ["sandal", "roti"],
    "3577": ["brem", "roti"],
    "3578": ["seragam-santri", "jasa-percetakan-kitab", "kaos-sablon", "sabun-cair", "jilbab"],
    "3579": ["apel", "susu-sapi-segar", "kentang", "kubis", "keripik-buah", "minuman-sari-apel"],
}
# The first pesantren of these regencies offer these, so the showcase examples always exist.
ANCHORS: dict[str, list[list[str]]] = {
    "3579": [["apel", "keripik-buah"], ["susu-sapi-segar", "kubis"]],
    "3529": [["garam-krosok", "ikan-asin"], ["rumput-laut-kering"]],
    "3527": [["garam-krosok"]],
    "3511": [["kopi-arabika-green", "kopi-bubuk"], ["kopi-arabika-green"]],
    "3524": [["ikan-asin", "terasi"]],
    "3505": [["telur-ayam-ras"]],
    "3518": [["bawang-merah"]],
}
# Bought by pesantren, not made by them (or made by mills): never offered here, so their
# needs show up as market gaps.
NEVER_OFFERED = {"minyak-goreng", "mie-instan", "gula-pasir", "tepung-terigu", "buku-tulis"}

# Kitchen needs: base units per santri per day. Shop needs: base units per santri per month.
KITCHEN = {
    "beras-medium": 0.35, "telur-ayam-ras": 0.025, "minyak-goreng": 0.012, "gula-pasir": 0.01,
    "kubis": 0.03, "sawi-hijau": 0.02, "wortel": 0.015, "kentang": 0.03, "tomat": 0.01,
    "cabai-rawit": 0.004, "cabai-merah-keriting": 0.004, "bawang-merah": 0.006,
    "bawang-putih": 0.003, "ikan-asin": 0.012, "teri-asin": 0.006, "ikan-pindang": 0.02,
    "ikan-tongkol-segar": 0.02, "terasi": 0.0008, "kerupuk-ikan-mentah": 0.005,
    "kerupuk-mentah": 0.006, "tempe": 0.04, "tahu": 0.04, "garam-konsumsi": 0.003,
    "kecap": 0.002, "daging-ayam-ras": 0.015, "petis": 0.001, "air-galon-isi-ulang": 0.05,
    "mie-instan": 0.1, "tepung-terigu": 0.005, "jamur-tiram": 0.01, "pisang": 0.03,
    "ikan-lele": 0.015, "susu-pasteurisasi": 0.03, "kopi-bubuk": 0.0015, "teh-kering": 0.001,
    "apel": 0.01, "jeruk": 0.01, "telur-bebek": 0.005, "susu-sapi-segar": 0.03,
    "daging-sapi": 0.004, "ikan-bandeng-segar": 0.01, "ikan-kembung-segar": 0.01,
    "kacang-tanah": 0.003, "mangga": 0.01,
}  # fmt: skip
SHOP = {
    "sabun-mandi-herbal": 1.0, "sabun-cair": 0.06, "sarung-tenun-mesin": 0.08,
    "seragam-santri": 0.05, "kopiah-peci": 0.05, "buku-tulis": 1.5, "jilbab": 0.08,
    "mukena": 0.03, "sandal": 0.1, "baju-koko": 0.04, "kaos-sablon": 0.05,
    "keripik-singkong": 0.05, "kopi-rempah-sachet": 1.0, "minuman-sari-apel": 2.0, "roti": 4.0,
    "abon-ikan": 0.01, "amdk-gelas": 6.0, "jasa-percetakan-kitab": 0.2, "keripik-buah": 0.01,
    "jasa-laundry": 6.0, "sapu": 0.01, "tikar-anyaman": 0.01, "batik-cap": 0.02, "madu": 0.005,
    "jamu-serbuk": 0.005, "telur-asin": 0.5, "gamis": 0.02, "sambal-kemasan": 0.05,
    "kue-kering": 0.01, "keripik-tempe": 0.02,
}  # fmt: skip
# What a producer buys to make what it offers: input and base units of it per base unit of
# output (ESTIMATE). Salt for fish drying, green beans for roasting, raw milk for pasteurising.
INPUTS: dict[str, list[tuple[str, float]]] = {
    "kopi-bubuk": [("kopi-arabika-green", 1.25), ("kopi-robusta-green", 1.25)],
    "kopi-rempah-sachet": [("kopi-robusta-green", 0.012), ("jahe", 0.005)],
    "susu-pasteurisasi": [("susu-sapi-segar", 1.05)],
    "garam-konsumsi": [("garam-krosok", 1.2)],
    "ikan-asin": [("garam-krosok", 0.3), ("ikan-lemuru", 2.5)],
    "teri-asin": [("garam-krosok", 0.3)],
    "terasi": [("ebi-rebon", 0.8), ("garam-krosok", 0.2)],
    "telur-asin": [("telur-bebek", 0.07), ("garam-krosok", 0.02)],
    "ikan-pindang": [("ikan-tongkol-segar", 1.1), ("garam-krosok", 0.1), ("anyaman-bambu", 0.5)],
    "abon-ikan": [("ikan-tongkol-segar", 3.0), ("minyak-goreng", 0.5)],
    "olahan-ikan-beku": [("ikan-tongkol-segar", 0.8), ("tepung-terigu", 0.3)],
    "kerupuk-ikan-mentah": [("ikan-lemuru", 0.4), ("tepung-terigu", 0.3)],
    "keripik-singkong": [("singkong", 3.0), ("minyak-goreng", 0.4)],
    "tepung-mocaf": [("singkong", 3.0)],
    "tape-singkong": [("singkong", 1.3)],
    "tempe": [("kedelai", 0.7)],
    "tahu": [("kedelai", 0.5)],
    "kecap": [("kedelai", 0.3), ("gula-merah", 0.5)],
    "bawang-goreng": [("bawang-merah", 4.0), ("minyak-goreng", 0.6)],
    "keripik-buah": [("apel", 5.0)],
    "minuman-sari-apel": [("apel", 0.3)],
    "jenang-dodol": [("gula-merah", 0.4), ("kelapa", 1.0), ("rumput-laut-kering", 0.2)],
    "jamu-serbuk": [("jahe", 2.0), ("kunyit", 1.0), ("temulawak", 1.0)],
    "sambal-kemasan": [("cabai-rawit", 0.1), ("teri-nasi-kering", 0.02)],
    "roti": [("tepung-terigu", 0.05), ("gula-pasir", 0.01)],
    "kue-kering": [("tepung-terigu", 0.5), ("telur-bebek", 0.2)],
    "ikan-lele": [("pelet-ikan", 1.2), ("benih-ikan", 8.0)],
    "ikan-nila": [("pelet-ikan", 1.4)],
    "sapi-potong-hidup": [("pakan-ternak", 3.0)],
    "susu-sapi-segar": [("pakan-ternak", 0.5)],
    "telur-ayam-ras": [("pakan-ternak", 2.2), ("jagung-pipil-kering", 1.0)],
    "pakan-ternak": [("jagung-pipil-kering", 0.5), ("tepung-ikan", 0.1)],
    "kentang": [("pupuk-organik", 0.5), ("bibit-tanaman", 0.5)],
    "kubis": [("pupuk-organik", 0.4)],
    "apel": [("pupuk-organik", 0.3)],
    "beras-medium": [("gabah-kering-panen", 1.6), ("jasa-penggilingan-padi", 1.6)],
    "beras-premium": [("gabah-kering-panen", 1.6)],
    "seragam-santri": [("jasa-konveksi", 1.0)],
    "baju-koko": [("jasa-konveksi", 1.0)],
}
FISH = {"ikan-asin", "teri-asin", "ikan-pindang", "terasi", "kerupuk-ikan-mentah", "petis",
        "ikan-tongkol-segar", "abon-ikan"}  # fmt: skip
HIGHLAND_GOODS = {"kubis", "sawi-hijau", "wortel", "kentang", "tomat", "kopi-bubuk", "apel",
                  "susu-sapi-segar",
                  "susu-pasteurisasi", "jeruk", "keripik-buah", "minuman-sari-apel"}  # fmt: skip
SEASONAL = {"apel", "mangga", "buah-naga", "jeruk", "alpukat", "nanas", "bawang-merah",
            "kopi-arabika-green", "kopi-robusta-green", "garam-krosok", "tembakau-rajangan"}  # fmt: skip

# Certificates a pesantren producer holds for a product, and the P-IRT food-type code.
CERT_KINDS_BY_PRODUCT: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        [
            "ikan-asin", "teri-nasi-kering", "teri-asin", "cumi-asin", "ebi-rebon", "terasi",
            "petis", "kerupuk-ikan-mentah", "abon-ikan", "keripik-singkong", "keripik-tempe",
            "keripik-buah", "kerupuk-mentah", "rengginang", "sambal-kemasan", "kecap",
            "abon-sapi", "dendeng-sapi", "jenang-dodol", "kue-kering", "bawang-goreng",
            "tepung-mocaf", "telur-asin", "brem", "gula-merah", "minyak-kelapa-vco",
            "kopi-bubuk", "kopi-rempah-sachet", "jamu-serbuk", "teh-herbal", "madu",
        ],
        ("halal", "pirt"),
    ),
    **dict.fromkeys(
        ["tempe", "tahu", "roti", "ikan-pindang", "tape-singkong", "ikan-asap",
         "beras-organik-kemasan", "daging-ayam-ras", "daging-sapi", "jasa-katering"],
        ("halal",),
    ),
    **dict.fromkeys(
        ["olahan-ikan-beku", "susu-pasteurisasi", "minuman-sari-apel"], ("halal", "bpom_md")
    ),
    **dict.fromkeys(["amdk-gelas", "amdk-botol", "garam-konsumsi"], ("halal", "bpom_md", "sni")),
}  # fmt: skip
PIRT_FOOD_CODE = {
    "abon-sapi": 1, "dendeng-sapi": 1, "telur-asin": 3, "bawang-goreng": 4, "gula-merah": 9,
    "jenang-dodol": 9, "madu": 9, "brem": 9, "minyak-kelapa-vco": 7, "kerupuk-mentah": 6,
    "kue-kering": 6, "tepung-mocaf": 6, "kopi-bubuk": 10, "kopi-rempah-sachet": 10,
    "teh-herbal": 10, "jamu-serbuk": 13, "keripik-buah": 14, "keripik-singkong": 15,
    "keripik-tempe": 15, "rengginang": 15, "sambal-kemasan": 11, "kecap": 11,
}  # fmt: skip
SNI_NUMBER = {"amdk-gelas": "SNI 3553:2015", "amdk-botol": "SNI 3553:2015",
              "garam-konsumsi": "SNI 3556:2016"}  # fmt: skip

VILLAGE_HEADS = ["Sumber", "Karang", "Tegal", "Kedung", "Wono", "Banyu", "Sido", "Tanjung",
                 "Pandan", "Kali", "Gunung", "Sukor", "Jati", "Krajan", "Mangun"]  # fmt: skip
VILLAGE_TAILS = ["rejo", "sari", "mulyo", "agung", "harjo", "makmur", "jaya", "wangi", "asri",
                 "kerto", "mukti", "luhur", "anyar", "kidul", "lor", "wetan", "kulon"]  # fmt: skip
MEN = ["Ahmad", "Muhammad", "Moh.", "Abdul Rahman", "Ali", "Hasan", "Imam", "Zainal",
       "Syaiful", "Ridwan", "Fauzi", "Hamid", "Nur Kholis", "Samsul", "Rofiq", "Anwar",
       "Mahfud", "Khoirul", "Lutfi", "Arif", "Zainuddin", "Badrus", "Faqih", "Mukhlis"]  # fmt: skip
WOMEN = ["Siti", "Nur Aini", "Umi", "Fatimah", "Aisyah", "Khadijah", "Laila", "Zahro",
         "Maimunah", "Rohmah", "Nafisah", "Ulfa"]  # fmt: skip
FAMILY = ["Hidayat", "Hakim", "Mubarok", "Rahman", "Ma'ruf", "Huda", "Yusuf", "Sholeh",
          "Syafi'i", "Hasyim", "Zaini", "Amin", "Kholil", "Bisri", "Fadholi", "Muzakki"]  # fmt: skip
CURATION = (["registered"] * 11 + ["curated_domestic"] * 5 + ["curated_modern_retail"] * 3
            + ["export_ready"])  # fmt: skip
OFFER_NOTES = ["", "", "", "", "", "Bisa kirim ke luar kabupaten",
               "Harga nego untuk pembelian rutin", "Stok tergantung musim",
               "Pengiriman tiap Senin dan Kamis", "Ambil sendiri di kopontren"]  # fmt: skip
NEED_NOTES = ["", "", "", "", "", "", "Untuk dapur santri putra", "Untuk dapur santri putri",
              "Kirim ke dapur umum", "Untuk koperasi/toko santri", "Bayar tempo 14 hari"]  # fmt: skip
