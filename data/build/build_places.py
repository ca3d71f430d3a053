"""Write the shipped reference places, seed incidents and their provenance table.

Run from the repository root::

    python data/build/build_places.py

Outputs (committed, EPSG:4326, ``[lon, lat]`` inside geometries):

* ``data/places.geojson`` — crossings, Russian 201st Military Base garrisons, Chinese
  sites and orientation towns;
* ``data/seed_incidents.geojson`` — three attacks on Chinese nationals (2024–2025) with
  ACLED-style fields;
* ``data/PLACES.md`` — one row per feature: coordinate, precision, source and how the
  coordinate was obtained.

Every record below is written by hand from public reporting (named in ``source`` and
``source_url``). Coordinates marked *derived* were computed once from the shipped DCW-GMT
border line (``geo.border``): a point at a stated chainage, pushed a stated distance onto
the Tajik bank, or the point of the line nearest a named place. Where only a district is
known the point is the district centre and ``confidence`` is ``approximate``. Nothing here
is fetched at build time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
BUILT = "2026-11-23"
LICENCE = (
    "Facts and coordinates compiled from the public sources named in each feature; "
    "descriptions and notes written by the Border Map project (MIT licence). "
    "Approximate coordinates are estimates, not surveyed positions."
)
LANSING = "Lansing Institute analysis, 2025"
DID = "DID Press summary, 2025"
LANSING_URL = "https://lansinginstitute.org/"

# --- source URLs (pages found while compiling; otherwise a publication's home page) ---
URL_DNA_2007 = "https://dnaindia.com/world/report-bridge-opens-between-tajikistan-afghanistan-1117873/amp"
URL_AKDN_TEM = "https://www.akdn.org/press-release/aga-khan-and-tajik-and-afghan-leaders-open-bridge-afghanistan"
URL_ISHKASHIM_2006 = (
    "https://ismailimail.blog/2006/10/31/aga-khan-and-president-rahmonov-inaugurate-"
    "reconstructed-bridge-in-ishkashim-asiaplus-tajikistan/"
)
URL_AKDN_VANJ = (
    "https://www.akdn.org/press-release/tajik-and-afghan-officials-inaugurate-vanj-bridge-"
    "built-akdn-part-cross-border"
)
URL_SHOHON = (
    "https://asiaplustj.info/en/news/tajikistan/security/20190218/tajik-afghan-border-in-"
    "shamsiddin-shohin-district-reopens-for-use-at-request-of-afghan-authorities"
)
URL_KOKUL = "https://asiaplus.news/en/2018/08/15/kokul-bcp-on-tajik-afghan-border-closed-for-security-reasons"
URL_TASS_2042 = "http://tass.com/russia/717945"
URL_KULOB_2015 = "https://asiaplus.news/?p=195425"
URL_TRT_2025 = "https://www.trtworld.com/article/d1d5c494e77b"
URL_GT_2025 = "https://www.globaltimes.cn/page/202511/1349271.shtml"
URL_GAZETA_2025 = "https://www.gazeta.ru/social/news/2025/12/01/27309715.shtml"
URL_24KG_2024 = "https://24.kg/english/311756__Attack_on_Chinese_workers_camp_in_Tajikistan_One_killed_four_injured/"
URL_RFE_BASES = "https://www.rferl.org/a/tajikistan-approves-chinese-base/31532078.html"
URL_VISHKHARV = "https://tojkiston.ucoz.ru/index/dekha_vishkharv/0-3724"
URL_SHUROOBOD = "https://iiab.me/kiwix/content/wikipedia_en_all_maxi_2023-10/A/Shuro-obod_District"
URL_WIKIPEDIA = "https://en.wikipedia.org/"

# Derived coordinates (see module docstring), lat/lon rounded to 4 decimals (~10 m):
#   Shodak: Vishkharv (38.4925 N, 70.9879 E, tojkiston.ucoz.ru) is at border chainage
#     552.9 km; Shodak lies 5.1 km upstream → chainage 558.0 km, 0.6 km onto the Tajik bank.
#   Shuroobod: district centre of Shamsiddin Shohin (Wikipedia infobox, 37°50′24″N 70°2′31″E).
SHODAK = (71.0302, 38.4504)
SHUROOBOD = (70.0419, 37.8400)

PLACE_SOURCES = [
    {"name": "AKDN press releases (Tem 2002, Vanj 2011)", "url": URL_AKDN_TEM},
    {"name": "AFP via DNA India (Panji Poyon bridge, 2007)", "url": URL_DNA_2007},
    {"name": "Asia-Plus (Ishkashim 2006, Kokul 2018, Shohon 2019, Kulob 2015)", "url": URL_SHOHON},
    {"name": "TASS (201st base agreement to 2042, 2014)", "url": URL_TASS_2042},
    {"name": "RFE/RL Tajik Service (Chinese bases, 2021)", "url": URL_RFE_BASES},
    {"name": "TRT World / Global Times / Gazeta.ru (2025 attacks)", "url": URL_TRT_2025},
    {"name": LANSING, "url": LANSING_URL},
    {"name": DID, "url": None},
    {"name": "DCW-GMT 2.1.1 border line (derived coordinates)", "url": "https://www.soest.hawaii.edu/pwessel/dcw/"},
]


def _place(**kw: Any) -> dict[str, Any]:
    return kw


PLACES: list[dict[str, Any]] = [
    # ---------------------------------------------------------------- crossings
    _place(
        id="crossing-panji-poyon", name="Panji Poyon – Sher Khan Bandar bridge", kind="crossing",
        lat=37.1946, lon=68.6053,
        description=(
            "US-funded road bridge of about 680 m over the Panj, joining Khatlon to Kunduz "
            "province; it replaced an occasional ferry and is the main road link between the two "
            "countries."
        ),
        source="AFP via DNA India, 2007; The Independent, 2007", source_url=URL_DNA_2007,
        source_date="2007-08-26", precision_km=1.0, precision_label="exact", confidence="assessed",
        location_note=(
            "Bridge coordinate from the project's starting list; lies 0.4 km from the DCW border "
            "line, consistent with a river crossing. Not re-checked against imagery."
        ),
        opened=2007, crossing_type="road bridge", official_crossing=True,
        connects="Panji Poyon (TJK) – Sher Khan Bandar, Kunduz (AFG)",
    ),
    _place(
        id="crossing-tem-demogan", name="Tem – Demogan bridge (Khorog)", kind="crossing",
        lat=37.5242, lon=71.5078,
        description=(
            "First of the Aga Khan Development Network's Panj bridges, opened in November 2002 "
            "just outside Khorog, with border posts and a small market."
        ),
        source="AKDN press release, 2002", source_url=URL_AKDN_TEM, source_date="2002-11-03",
        precision_km=1.0, precision_label="exact", confidence="assessed",
        location_note=(
            "Bridge coordinate from the project's starting list; 0.7 km from the DCW border line "
            "and about 5 km from central Khorog. Not re-checked against imagery."
        ),
        opened=2002, crossing_type="road bridge", official_crossing=True,
        connects="Tem, Shughnon (TJK) – Demogan, Shighnan (AFG)",
    ),
    _place(
        id="crossing-darvaz-ruzvai", name="Darvaz bridge / Ruzvai crossing (Qal'ai Khumb)", kind="crossing",
        lat=38.4533, lon=70.8272,
        description=(
            "Second AKDN bridge over the Panj, opened in Darvaz district in July 2004 near the "
            "district centre Qal'ai Khumb. The Tajik list of international crossings names the "
            "Darvaz crossing Ruzvai."
        ),
        source="Asia-Plus via Ismailimail, 2006 (dates the Darvaz bridge to July 2004)",
        source_url=URL_ISHKASHIM_2006, source_date="2004-07",
        precision_km=1.0, precision_label="exact", confidence="assessed",
        location_note=(
            "Coordinate from the project's starting list; 0.7 km from the DCW line, about 4 km east of "
            "Qal'ai Khumb. That the Ruzvai crossing and this bridge are one and the same is our "
            "inference (AKDN reports a single Darvaz bridge), not a sourced statement."
        ),
        opened=2004, crossing_type="road bridge", official_crossing=True,
        connects="Darvaz, Gorno-Badakhshan (TJK) – Maimay (Darwaz-i Payin), Badakhshan (AFG)",
    ),
    _place(
        id="crossing-ishkashim", name="Ishkashim bridge", kind="crossing",
        lat=36.7192, lon=71.6042,
        description=(
            "Bridge of about 99 m between Tajik and Afghan Ishkashim, rebuilt by AKDN and "
            "reopened in October 2006 with its load limit raised from 10 to 30 t."
        ),
        source="Asia-Plus via Ismailimail, 2006", source_url=URL_ISHKASHIM_2006, source_date="2006-10-31",
        precision_km=3.0, precision_label="town", confidence="approximate",
        location_note=(
            "Derived: the point of the DCW border line nearest Ishkashim town centre "
            "(chainage 833.1 km). Bridge position itself not verified."
        ),
        opened=2006, crossing_type="road bridge (reconstructed)", official_crossing=True,
        connects="Ishkashim (TJK) – Ishkashim, Badakhshan (AFG)",
    ),
    _place(
        id="crossing-khumrogi-vanj", name="Vanj bridge (Khumrogi)", kind="crossing",
        lat=38.3114, lon=71.2899,
        description=(
            "216 m suspension bridge built by AKDN and opened in August 2011, linking Vanj "
            "district with Maimay district of Afghan Badakhshan; not on the list of international "
            "crossings."
        ),
        source="AKDN press release, 2011", source_url=URL_AKDN_VANJ, source_date="2011-08-16",
        precision_km=12.0, precision_label="district", confidence="approximate",
        location_note=(
            "Derived: DCW border line at chainage 595 km (the Panj below the Vanj river mouth), "
            "0.3 km onto the Tajik bank. The village of Khumrogi was not located precisely."
        ),
        opened=2011, crossing_type="suspension bridge", official_crossing=False,
        connects="Khumrogi, Vanj (TJK) – Maimay, Badakhshan (AFG)",
    ),
    _place(
        id="crossing-shohon", name="Shohon bridge (Shamsiddin Shohin – Khwahan)", kind="crossing",
        lat=37.8776, lon=70.1786,
        description=(
            "Road and foot bridge of about 180 m over the Panj in Shamsiddin Shohin (formerly "
            "Shuroobod) district, in use since late summer 2017; Tajikistan closed it for six "
            "months in 2018–2019."
        ),
        source="Asia-Plus, 2019; RFE/RL, 2011 (ground-breaking)", source_url=URL_SHOHON,
        source_date="2019-02-18", precision_km=8.0, precision_label="district", confidence="approximate",
        location_note=(
            "Derived: DCW border line at chainage 416 km, the stretch of the Panj facing Khwahan "
            "district; the bridge itself was not located on imagery."
        ),
        opened=2017, crossing_type="road bridge", official_crossing=True,
        connects="Shamsiddin Shohin, Khatlon (TJK) – Khwahan, Badakhshan (AFG)",
    ),
    _place(
        id="crossing-kokul", name="Kokul crossing (Farkhor)", kind="crossing",
        lat=37.1727, lon=69.3984,
        description=(
            "Border crossing point of Farkhor district facing the Dasht-i Qala / Ai Khanum area "
            "of Takhar; Tajikistan closed it for a time in August 2018 when the Taliban took "
            "the district opposite."
        ),
        source="Asia-Plus, 2018", source_url=URL_KOKUL, source_date="2018-08-15",
        precision_km=8.0, precision_label="district", confidence="approximate",
        location_note=(
            "Derived: DCW border line nearest the Ai Khanum site (37.17 N, 69.40 E), chainage "
            "230.9 km. Crossing type and opening year not found."
        ),
        opened=None, crossing_type="unknown", official_crossing=True,
        connects="Kokul, Farkhor (TJK) – Dasht-i Qala / Ai Khanum, Takhar (AFG)",
    ),
    # ---------------------------------------------------------------- Russian 201st base
    _place(
        id="rus201-dushanbe", name="201st Military Base – Dushanbe garrison", kind="garrison",
        lat=38.5598, lon=68.7870,
        description=(
            "Main garrison of Russia's 201st Military Base, Russia's largest military base "
            "abroad; the 2012 agreement, ratified in 2013, keeps the base in Tajikistan until "
            "2042."
        ),
        source="TASS, 2014", source_url=URL_TASS_2042, source_date="2014-02-06",
        precision_km=8.0, precision_label="town", confidence="approximate",
        location_note="City centre of Dushanbe; the base's compounds are not mapped here.",
        status="active", country="RUS",
    ),
    _place(
        id="rus201-bokhtar", name="201st Military Base – Bokhtar garrison", kind="garrison",
        lat=37.8364, lon=68.7803,
        description=(
            "Motor-rifle regiment of the 201st base in Bokhtar (Qurghonteppa until 2018), about "
            "60 km from the border; stationed under the agreement that runs to 2042."
        ),
        source="TASS, 2014; Asia-Plus, 2015", source_url=URL_TASS_2042, source_date="2014-02-06",
        precision_km=6.0, precision_label="town", confidence="approximate",
        location_note="Town centre of Bokhtar; the compound is not mapped here.",
        status="active", country="RUS",
    ),
    _place(
        id="rus201-kulob-former", name="Former 201st Military Base garrison, Kulob", kind="garrison_history",
        lat=37.9146, lon=69.7845,
        description=(
            "The 201st base's regiment in Kulob was ordered to other garrisons from 15 October "
            "2015, the move to end by mid-December and the camp to pass to Tajik authorities; "
            "the base itself stays until 2042."
        ),
        source="Asia-Plus, 2015; geostrategy.ua, 2015", source_url=URL_KULOB_2015, source_date="2015-11-19",
        precision_km=6.0, precision_label="town", confidence="approximate",
        location_note="Town centre of Kulob; the former camp is not mapped here.",
        status="vacated 2015", country="RUS",
    ),
    # ---------------------------------------------------------------- Chinese presence
    _place(
        id="cn-shohin-sm-camp", name="LLC Shohin SM gold-mining camp", kind="chinese_site",
        lat=SHUROOBOD[1], lon=SHUROOBOD[0],
        description=(
            "Workers' camp of the gold miner Shohin SM, whose Chinese staff were attacked on 26 "
            "November 2025; Tajik officials put it in the sector of the 1st border post "
            "'Istiqlol' of the Yol border detachment."
        ),
        source="TRT World (Tajik MFA statement), 2025; RFE/RL Tajik Service, 2025",
        source_url=URL_TRT_2025, source_date="2025-11-27",
        precision_km=30.0, precision_label="district", confidence="approximate",
        location_note="District centre (Shuroobod); the camp's location is not public.",
        operator="LLC Shohin SM (Chinese employees)",
    ),
    _place(
        id="cn-zarbuz-exploration", name="Chinese gold-exploration camp, Zarbuz gorge", kind="chinese_site",
        lat=SHUROOBOD[1], lon=SHUROOBOD[0],
        description=(
            "Gold exploration by a Chinese company in the Zarbuz gorge, inside the Dashti-Jum "
            "reserve near the Sari Gor border post; its camp was attacked in November 2024."
        ),
        source="24.kg citing Asia-Plus, 2024", source_url=URL_24KG_2024, source_date="2024-11-20",
        precision_km=30.0, precision_label="district", confidence="approximate",
        location_note=(
            "District centre (Shuroobod); the gorge and the camp were not located. May be the "
            "same operation as the Shohin SM camp — the reports do not say."
        ),
        operator="unnamed Chinese gold-mining company",
    ),
    _place(
        id="cn-crbc-shodak", name="CRBC road works at Shodak (Vishkharv, Darvaz)", kind="chinese_site",
        lat=SHODAK[1], lon=SHODAK[0],
        description=(
            "China Road and Bridge Corporation crews rebuilding the Qal'ai Khumb – Vanj – Rushan "
            "section of the road to China; two were killed at a road gallery near Shodak on 30 "
            "November 2025."
        ),
        source="Tajik Border Troops via Interfax / Gazeta.ru, 2025; Radio Ozodi, 2025",
        source_url=URL_GAZETA_2025, source_date="2025-12-01",
        precision_km=3.0, precision_label="town", confidence="approximate",
        location_note=(
            "Derived: Vishkharv village (tojkiston.ucoz.ru) moved 5.1 km upstream along the DCW "
            "border line, where that gazetteer puts Shodak, then 0.6 km onto the Tajik bank."
        ),
        operator="China Road and Bridge Corporation (CRBC)",
    ),
    _place(
        id="cn-shaymak-post", name="Chinese-staffed post near Shaymak (Murghab)", kind="chinese_site",
        lat=37.52, lon=74.84,
        description=(
            "Compound of some two dozen buildings and watchtowers near the Wakhan Corridor, "
            "reported since 2019 to be manned by Chinese personnel; neither government "
            "acknowledges it."
        ),
        source="The Washington Post, 2019; RFE/RL Tajik Service, 2021", source_url=URL_RFE_BASES,
        source_date="2019-02", precision_km=20.0, precision_label="district", confidence="approximate",
        location_note=(
            "Rough position of Shaymak village in the upper Aksu valley (about 3,850 m); the post "
            "itself was not located. Treat as area, not site."
        ),
        operator="Chinese security personnel (reported)",
    ),
    _place(
        id="cn-vakhon-rrf-base", name="China-funded base for Tajik rapid-reaction police, Vakhon",
        kind="chinese_site", lat=36.9004, lon=72.1345,
        description=(
            "Base for the Interior Ministry's Rapid Reaction Group, approved by Tajik deputies in "
            "October 2021 and paid for by China (about US$8.5–10 million); officials said no "
            "Chinese troops would be based there."
        ),
        source="RFE/RL Tajik Service, 2021", source_url=URL_RFE_BASES, source_date="2021-10-28",
        precision_km=50.0, precision_label="district", confidence="approximate",
        location_note=(
            "Derived: middle of the Tajik Wakhan valley (DCW chainage 893.5 km), 2 km onto the "
            "Tajik side. Only the name Vakhon in Ishkashim district is public."
        ),
        operator="Tajik Interior Ministry (funded by China's Ministry of Public Security)",
    ),
    _place(
        id="cn-pap-gbao", name="Chinese People's Armed Police presence (Gorno-Badakhshan, general)",
        kind="chinese_site", lat=37.9, lon=72.6,
        description=(
            "According to the Lansing Institute, Beijing keeps two People's Armed Police "
            "contingents in Tajikistan to guard Chinese projects. Their sites are not public; "
            "this marker stands for the province, not a place."
        ),
        source=f"{LANSING}; {DID}", source_url=LANSING_URL, source_date="2025",
        precision_km=250.0, precision_label="district", confidence="approximate",
        location_note="Symbolic point inside Gorno-Badakhshan; no location is known.",
        operator="People's Armed Police of China (reported)",
    ),
    # ---------------------------------------------------------------- towns
    *[
        _place(
            id=f"town-{slug}", name=name, kind="town", lat=lat, lon=lon,
            description=desc, source=src, source_url=url, source_date=sdate,
            precision_km=prec, precision_label="town", confidence=conf,
            location_note=note, side=side,
        )
        for slug, name, lat, lon, side, desc, src, url, prec, conf, note, sdate in [
            ("dushanbe", "Dushanbe", 38.5598, 68.7870, "TJK",
             "Capital of Tajikistan, about 125 km north of the border.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Dushanbe", 5.0, "assessed",
             "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
            ("bokhtar", "Bokhtar", 37.8364, 68.7803, "TJK",
             "Centre of Khatlon region, called Qurghonteppa until 2018.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Bokhtar", 5.0, "assessed",
             "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
            ("kulob", "Kulob", 37.9146, 69.7845, "TJK",
             "Main town of eastern Khatlon, about 35 km from the Panj.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Kulob", 5.0, "assessed",
             "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
            ("shuroobod", "Shuroobod", SHUROOBOD[1], SHUROOBOD[0], "TJK",
             "Centre of Shamsiddin Shohin district, where the 2024 and 2025 attacks on Chinese "
             "gold workers took place.",
             "Wikipedia (district infobox)", URL_SHUROOBOD, 5.0, "assessed",
             "District centre from the Wikipedia infobox (37°50′24″N 70°2′31″E).", "2023-10"),
            ("qalai-khumb", "Qal'ai Khumb", 38.4500, 70.7833, "TJK",
             "Centre of Darvaz district on the Panj, the western gate of Gorno-Badakhshan.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Darvoz_District", 3.0, "assessed",
             "Town centre from the infobox (38°27′N 70°47′E, so ±1 km from rounding); 0.4 km "
             "from the DCW line.", "2023"),
            ("khorog", "Khorog", 37.4917, 71.5531, "TJK",
             "Capital of Gorno-Badakhshan at the mouth of the Gunt on the Panj.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Khorog", 5.0, "assessed",
             "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
            ("ishkashim", "Ishkashim", 36.7275, 71.6114, "TJK",
             "District centre at the western entrance of the Wakhan valley.",
             "Wikipedia (coordinates)", URL_WIKIPEDIA, 5.0, "assessed",
             "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
            ("murghab", "Murghab", 38.1667, 73.9667, "TJK",
             "High-plateau centre of Murghab district on the Pamir Highway, about 80 km from the "
             "Afghan border.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Murghob_District", 5.0, "assessed",
             "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
            ("kunduz", "Kunduz", 36.7286, 68.8681, "AFG",
             "Capital of Kunduz province, about 55 km south of the Panji Poyon bridge.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Kunduz", 5.0, "assessed",
             "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
            ("sher-khan-bandar", "Sher Khan Bandar", 37.1600, 68.6200, "AFG",
             "River port at the Afghan end of the Panji Poyon bridge.",
             "Wikipedia", URL_WIKIPEDIA, 5.0, "approximate",
             "Placed about 4 km south of the bridge on the Afghan bank; settlement not located "
             "precisely.", "2023"),
            ("faizabad", "Faizabad", 37.1166, 70.5800, "AFG",
             "Capital of Afghanistan's Badakhshan province, from which the Wakhan is run.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Fayzabad,_Badakhshan", 5.0,
             "assessed", "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
        ]
    ],
]

INCIDENT_SOURCES = [
    {"name": "24.kg citing Tajik and Chinese MFAs (2024)", "url": URL_24KG_2024},
    {"name": "TRT World citing the Tajik MFA (2025-11-27)", "url": URL_TRT_2025},
    {"name": "Global Times citing the Chinese embassy (2025-11-28)", "url": URL_GT_2025},
    {"name": "Gazeta.ru citing Tajik Border Troops via Interfax (2025-12-01)", "url": URL_GAZETA_2025},
    {"name": LANSING, "url": LANSING_URL},
]

_ACLED_COMMON = {
    "disorder_type": "Political violence",
    "country": "Tajikistan",
    "verification": "unverified",
}

INCIDENTS: list[dict[str, Any]] = [
    {
        **_ACLED_COMMON,
        "id": "seed-2024-11-18-zarbuz",
        "event_date": "2024-11-18",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Afghanistan)",
        "actor2": "Civilians (China)",
        "admin1": "Khatlon",
        "admin2": "Shamsiddin Shohin",
        "location": "Zarbuz gorge (Dashti-Jum reserve), Shamsiddin Shohin district",
        "latitude": SHUROOBOD[1],
        "longitude": SHUROOBOD[0],
        "geo_precision": 2,
        "fatalities": 1,
        "injured": 5,
        "nationals": "CN;TJ",
        "origin": "Across the border from Afghanistan (per local reports; no official attribution)",
        "confidence": "assessed",
        "source": "24.kg citing Asia-Plus and the Chinese MFA, 2024; RFE/RL Tajik Service, 2025",
        "source_url": URL_24KG_2024,
        "source_date": "2024-11-20",
        "precision_km": 30.0,
        "notes": (
            "Night of 17–18 Nov. Armed men reportedly crossed the Panj and attacked the camp of a "
            "Chinese gold-exploration team. One Chinese citizen died; RFE/RL gives five injured "
            "(four Chinese, one Tajik), the Chinese MFA four. Plotted at the district centre: "
            "the gorge was not located."
        ),
    },
    {
        **_ACLED_COMMON,
        "id": "seed-2025-11-26-shohin-sm",
        "event_date": "2025-11-26",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Unidentified Armed Group (Afghanistan)",
        "actor2": "Civilians (China)",
        "admin1": "Khatlon",
        "admin2": "Shamsiddin Shohin",
        "location": "Shohin SM workers' camp, sector of border post 'Istiqlol' (Yol detachment)",
        "latitude": SHUROOBOD[1],
        "longitude": SHUROOBOD[0],
        "geo_precision": 2,
        "fatalities": 3,
        "injured": 1,
        "nationals": "CN",
        "origin": "Shahri Buzurg district, Badakhshan, Afghan territory (per Tajik authorities)",
        "confidence": "assessed",
        "source": (
            "TRT World citing the Tajik MFA, 2025; Global Times citing the Chinese embassy, 2025; "
            "Gazeta.ru citing Tajik Border Troops, 2025"
        ),
        "source_url": URL_TRT_2025,
        "source_date": "2025-11-27",
        "precision_km": 30.0,
        "notes": (
            "Evening of 26 Nov. A drone carrying grenades, together with small-arms fire, hit the "
            "camp of the gold miner Shohin SM; three Chinese employees died and one was hurt. The "
            "Chinese embassy then urged its citizens to leave the border area. Plotted at the "
            "district centre."
        ),
    },
    {
        **_ACLED_COMMON,
        "id": "seed-2025-11-30-shodak",
        "event_date": "2025-11-30",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Afghanistan)",
        "actor2": "Civilians (China)",
        "admin1": "Gorno-Badakhshan",
        "admin2": "Darvoz",
        "location": "Shodak, Vishkharv jamoat, Darvaz district",
        "latitude": SHODAK[1],
        "longitude": SHODAK[0],
        "geo_precision": 1,
        "fatalities": 2,
        "injured": 2,
        "nationals": "CN",
        "origin": "Ruzvayak village, Maimay district, Badakhshan, Afghanistan (per Tajik security service)",
        "confidence": "assessed",
        "source": "Gazeta.ru citing Tajik Border Troops via Interfax, 2025; AFP, 2025; Radio Ozodi, 2025",
        "source_url": URL_GAZETA_2025,
        "source_date": "2025-12-01",
        "precision_km": 3.0,
        "notes": (
            "About 18:45 local time. Gunmen fired on China Road and Bridge Corporation staff "
            "working in a gallery of the new Qal'ai Khumb – Vanj road; two Chinese died, two were "
            "wounded. Village position derived from a gazetteer (see PLACES.md)."
        ),
    },
]


def _feature(props: dict[str, Any], lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def places_collection() -> dict[str, Any]:
    """The places FeatureCollection (a new dict each call)."""
    feats = []
    for rec in PLACES:
        props = {k: v for k, v in rec.items() if k not in ("lat", "lon")}
        feats.append(_feature(props, rec["lon"], rec["lat"]))
    return {
        "type": "FeatureCollection",
        "metadata": {
            "title": "Border Map reference places: crossings, 201st base garrisons, Chinese sites, towns",
            "built": BUILT, "licence": LICENCE, "sources": PLACE_SOURCES,
            "crs": "EPSG:4326", "provenance_table": "data/PLACES.md",
        },
        "features": feats,
    }


def incidents_collection() -> dict[str, Any]:
    """The seed incidents FeatureCollection (a new dict each call)."""
    feats = [_feature({"id": rec["id"], **rec}, rec["longitude"], rec["latitude"]) for rec in INCIDENTS]
    return {
        "type": "FeatureCollection",
        "metadata": {
            "title": "Border Map seed incidents: attacks on Chinese nationals, 2024–2025",
            "built": BUILT, "licence": LICENCE, "sources": INCIDENT_SOURCES,
            "crs": "EPSG:4326",
            "schema": "ACLED-style fields (event_type, sub_event_type, geo_precision 1–3)",
        },
        "features": feats,
    }


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def places_markdown() -> str:
    """The provenance table ``data/PLACES.md`` as text."""
    lines = [
        "# Reference places and seed incidents — provenance",
        "",
        f"Built {BUILT} by `data/build/build_places.py`. Coordinates are WGS 84, given here as "
        "lat, lon (the GeoJSON files store [lon, lat]). `precision_km` is the radius within which "
        "the true location should lie. *Derived* coordinates were computed from the shipped "
        "DCW-GMT border line, which is itself accurate to about 1 km. Sources are the public "
        "reports named; the analysis cited as \"Lansing Institute analysis, 2025\" and its "
        "\"DID Press summary, 2025\" are used for context only. All descriptions are the "
        "project's own words.",
        "",
        "## Places (`data/places.geojson`)",
        "",
        "| id | name | kind | lat, lon | precision | confidence | source (date) | "
        "how the coordinate was obtained |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in PLACES:
        lines.append(
            f"| {r['id']} | {_md_cell(r['name'])} | {r['kind']} | {r['lat']:.4f}, {r['lon']:.4f} | "
            f"{r['precision_km']:g} km ({r['precision_label']}) | {r['confidence']} | "
            f"{_md_cell(r['source'])} ({r['source_date']}) | {_md_cell(r['location_note'])} |"
        )
    lines += [
        "",
        "## Seed incidents (`data/seed_incidents.geojson`)",
        "",
        "| id | date | location | lat, lon | precision | geo_precision | killed / injured | "
        "source (date) | how the coordinate was obtained |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    how = {
        "seed-2024-11-18-zarbuz": "District centre (Shuroobod); gorge not located.",
        "seed-2025-11-26-shohin-sm": "District centre (Shuroobod); camp and post not located.",
        "seed-2025-11-30-shodak": "Derived village position of Shodak (see cn-crbc-shodak).",
    }
    for r in INCIDENTS:
        lines.append(
            f"| {r['id']} | {r['event_date']} | {_md_cell(r['location'])} | "
            f"{r['latitude']:.4f}, {r['longitude']:.4f} | {r['precision_km']:g} km | {r['geo_precision']} | "
            f"{r['fatalities']} / {r['injured']} | {_md_cell(r['source'])} ({r['source_date']}) | "
            f"{how[r['id']]} |"
        )
    lines += [
        "",
        "## Derivations",
        "",
        "- **Shodak** — the gazetteer page for Vishkharv (tojkiston.ucoz.ru) gives Vishkharv at "
        "38.4925 N, 70.9879 E and Shodak 5.1 km upstream on the right bank of the Panj. Vishkharv "
        "projects to border chainage 552.9 km; the point at 558.0 km, moved 0.6 km onto the Tajik "
        "bank, is used. The DCW line is smoother than the river, so the true spot is probably "
        "slightly closer to Vishkharv: hence 3 km precision.",
        "- **Ishkashim, Shohon, Kokul, Vanj crossings** — points of the DCW line at the stated "
        "chainage, chosen from the named town or facing district; the bridges were not located "
        "on imagery.",
        "- **Vakhon** — only the village name and district are public; the point is the middle of "
        "the Tajik Wakhan valley, with a 50 km radius.",
        "- **Darvaz bridge = Ruzvai crossing** — an inference: the Tajik list of international "
        "crossings names Ruzvai for Darvaz, and AKDN reports one Darvaz bridge (2004).",
        "",
    ]
    return "\n".join(lines)


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    """Write the three output files into ``data/``."""
    _write_json(DATA / "places.geojson", places_collection())
    _write_json(DATA / "seed_incidents.geojson", incidents_collection())
    (DATA / "PLACES.md").write_text(places_markdown(), encoding="utf-8")
    print(f"wrote {len(PLACES)} places and {len(INCIDENTS)} seed incidents")


if __name__ == "__main__":
    main()
