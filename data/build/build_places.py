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
URL_WIKI_PANJI_POYON = "https://en.wikipedia.org/wiki/Tajik%E2%80%93Afghan_bridge_at_Panji_Poyon"
URL_WIKI_TEM = "https://en.wikipedia.org/wiki/Tem,_Tajikistan"
URL_WIKI_DARVAZ = "https://en.wikipedia.org/wiki/Tajik%E2%80%93Afghan_Friendship_Bridge"
URL_WIKI_KHUMROGI = "https://de.wikipedia.org/wiki/Chumrogi-Br%C3%BCcke"
URL_WIKI_ISHKOSHIM = "https://en.wikipedia.org/wiki/Ishkoshim,_Tajikistan"
URL_WIKI_DUSHANBE = "https://en.wikipedia.org/wiki/Dushanbe"
URL_SPUTNIK_2019 = (
    "https://tj.sputniknews.ru/amp/20190213/puteshestvie-kabul-dushanbe-afghanistan-tajikistan-"
    "video-marshrut-1028262703.html"
)
#: Cited by the project's fact-check (November 2026) for the closures after the December 2025
#: attacks; the article itself was not retrieved while building, so only the outlet is linked.
URL_SPUTNIK_TJ = "https://tj.sputniknews.ru/"
URL_FERGANA_2022 = "https://fergana.plus/news/126118/"
URL_ASIAPLUS_2019_POSTS = (
    "https://asiaplustj.info/en/news/tajikistan/security/20190221/tajik-military-official-clams-"
    "that-us-journalist-took-tajik-frontier-post-for-chinese-military-facility"
)
URL_ASIAPLUS_2025_CLASH = (
    "https://asiaplustj.info/en/news/tajikistan/incidents/20251225/tajikistan-border-guards-foil-"
    "armed-attack-from-afghanistan-two-borer-guard-officers-killed"
)
URL_ASIAPLUS_2025_REUTERS = (
    "https://www.asiaplustj.info/en/news/tajikistan/security/20251203/tajikistan-reportedly-seeks-"
    "russian-support-as-border-tensions-with-afghanistan-escalate"
)
URL_INSIDER_2025_DENIAL = "https://insiderpaper.com/tajikistan-rejects-idea-of-russian-help-guarding-afghan-border"
URL_NATPOST_2021 = "https://nationalpost.com/pmn/news-pmn/tajikistan-asks-russia-led-bloc-for-help-on-afghan-border"
URL_FERGANA_CSTO = "https://en.fergana.media/news/137466/?country=tj"
URL_TASS_CSTO_2026 = "https://tass.com/world/2078683"
URL_NEWSAZ_ELECTION = "https://news.az/news/tajikistan-s-ruling-party-wins-dominant-victory-in-parliamentary-elections"
URL_STARTRIB_RECOGNITION = (
    "https://www.startribune.com/russia-says-it-formally-recognizes-the-taliban-government-in-"
    "afghanistan-becoming-the-first-country-to-do-so-since-2021/601389834"
)
URL_EXCLUSIVE_2025 = (
    "https://exclusive.kz/na-vostoke-tadzhikistana-v-rezultate-vooruzhjonnogo-napadenija-s-afganskoj-"
    "storony-ubity-dvoe-kitajskih-dorozhnikov"
)

URL_RFERL = "https://www.rferl.org/"
URL_SVOBODA_2025_CLASH = (
    "https://www.radiosvoboda.org/a/news-tadzhykistan-prykordonnyky-zahybuly-na-kordoni-z-afhanistanom/33632617.html"
)

#: Dushanbe as the Wikipedia infobox gives it (38°32′N 68°47′E, whole minutes: about ±1 km).
DUSHANBE = (68.7833, 38.5333)

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


def _claim(claim_id: str, field: str, value: int | str, source: str, source_date: str, source_url: str,
           claimant: str, note: str, *, chosen: bool = False) -> dict[str, Any]:
    """One source's claim about a seed incident (read by ``geo.claims``; see PLACES.md, Claims).

    ``claimant``: official, party, media or other. Only figures a named source gives are
    recorded; ``chosen`` marks the figure the project uses as best."""
    return {"id": claim_id, "field": field, "value": value, "source": source, "source_date": source_date,
            "source_url": source_url, "claimant": claimant, "note": note, "chosen": chosen,
            "added_by": "seed", "added_at": BUILT}


def _status(start: str, status: str, source: str, source_url: str, source_date: str, confidence: str,
            note: str, *, temporary: bool = False, until: str | None = None) -> dict[str, Any]:
    """One dated entry of a place's status history (read by ``geo.place_status``).

    ``start`` / ``until`` are YYYY, YYYY-MM or YYYY-MM-DD (a partial date means its first
    day); ``temporary`` marks a closure whose end is not on record.
    """
    return {"from": start, "until": until, "status": status, "temporary": temporary, "source": source,
            "source_url": source_url, "source_date": source_date, "confidence": confidence, "note": note}


#: Closures reported after the attacks of November–December 2025 (applies to every crossing).
DEC_2025_CLOSURE = _status(
    "2025-12-17", "reported closed", "Sputnik Tajikistan, 17 Dec 2025 (as cited by the project's fact-check)",
    URL_SPUTNIK_TJ, "2025-12-17", "claimed",
    "Crossings reported closed after the attacks of November-December 2025. The article was not "
    "retrieved for this build: that the report covers this crossing is not confirmed, and no "
    "reopening is on record.", temporary=True,
)


PLACES: list[dict[str, Any]] = [
    # ---------------------------------------------------------------- crossings
    _place(
        id="crossing-panji-poyon", name="Panji Poyon – Sher Khan Bandar bridge", kind="crossing",
        lat=37.1946, lon=68.6053,
        description=(
            "US-funded two-lane girder bridge, 672 m long, over the Panj, joining Khatlon to "
            "Kunduz province; opened on 26 August 2007, it replaced an occasional ferry and is the "
            "main road link between the two countries."
        ),
        source="AFP via DNA India, 2007; The Independent, 2007", source_url=URL_DNA_2007,
        source_date="2007-08-26", precision_km=1.0, precision_label="exact", confidence="assessed",
        location_note=(
            "Wikipedia infobox coordinate (37°11′41″N 68°36′19″E, article 'Tajik–Afghan bridge at "
            "Panji Poyon', which also gives the 672 m length); 0.4 km from the DCW border line, "
            "consistent with a river crossing. Not re-checked against imagery."
        ),
        location_source="Wikipedia, Tajik–Afghan bridge at Panji Poyon", location_source_url=URL_WIKI_PANJI_POYON,
        opened=2007, crossing_type="road bridge (girder, 672 m)", official_crossing=True,
        connects="Panji Poyon (TJK) – Sher Khan Bandar, Kunduz (AFG)",
        status_history=[
            _status("2007-08-26", "open", "AFP via DNA India, 2007", URL_DNA_2007, "2007-08-26", "assessed",
                    "Opened by the Tajik and Afghan presidents."),
            _status("2022-05-09", "closed", "Radio Ozodi via Fergana, 2022", URL_FERGANA_2022, "2022-05",
                    "claimed",
                    "Temporarily closed after fighting in Takhar sent rounds across the border; truck "
                    "drivers reported the trouble from 9 May 2022. No reopening date is on record here.",
                    temporary=True),
            DEC_2025_CLOSURE,
        ],
    ),
    _place(
        id="crossing-tem-demogan", name="Tem – Demogan bridge (Khorog)", kind="crossing",
        lat=37.5242, lon=71.5078,
        description=(
            "First of the Aga Khan Development Network's Panj bridges, a 135 m suspension bridge "
            "opened on 3 November 2002 just outside Khorog, with border posts and a small market."
        ),
        source="AKDN press release, 2002", source_url=URL_AKDN_TEM, source_date="2002-11-03",
        precision_km=1.0, precision_label="exact", confidence="assessed",
        location_note=(
            "Wikipedia infobox coordinate (37°31′27″N 71°30′28″E, article 'Tem, Tajikistan', which "
            "also gives the 135 m length); 0.7 km from the DCW border line and about 5 km from "
            "central Khorog. Not re-checked against imagery."
        ),
        location_source="Wikipedia, Tem, Tajikistan (bridge infobox)", location_source_url=URL_WIKI_TEM,
        opened=2002, crossing_type="suspension bridge (135 m)", official_crossing=True,
        status_history=[
            _status("2002-11-03", "open", "AKDN press release, 2002", URL_AKDN_TEM, "2002-11-03", "assessed",
                    "Opened by the Aga Khan with the Tajik and Afghan leaders."),
            DEC_2025_CLOSURE,
        ],
        connects="Tem, Shughnon (TJK) – Demogan, Shighnan (AFG)",
    ),
    _place(
        id="crossing-darvaz-ruzvai", name="Darvaz bridge / Ruzvai crossing (Qal'ai Khumb)", kind="crossing",
        lat=38.4533, lon=70.8272,
        description=(
            "Second AKDN bridge over the Panj, a 135 m suspension bridge opened on 6 July 2004 near "
            "the Darvaz district centre Qal'ai Khumb. The Tajik list of international crossings "
            "names the Darvaz crossing Ruzvai."
        ),
        source="Asia-Plus via Ismailimail, 2006 (dates the Darvaz bridge to July 2004)",
        source_url=URL_ISHKASHIM_2006, source_date="2004-07",
        precision_km=1.0, precision_label="exact", confidence="assessed",
        location_note=(
            "Coordinate as in other language editions of the Wikipedia article 'Tajik–Afghan "
            "Friendship Bridge' (38°27′12″N 70°49′38″E; the English one rounds to 38°27′N 70°50′E and "
            "gives the 135 m length); 0.7 km from the DCW line, about 4 km east of Qal'ai Khumb. "
            "That the Ruzvai crossing and this bridge are one and the same is our inference (AKDN "
            "reports a single Darvaz bridge), not a sourced statement."
        ),
        location_source="Wikipedia, Tajik–Afghan Friendship Bridge", location_source_url=URL_WIKI_DARVAZ,
        opened=2004, crossing_type="suspension bridge (135 m)", official_crossing=True,
        status_history=[
            _status("2004-07-06", "open", "Wikipedia, Tajik–Afghan Friendship Bridge", URL_WIKI_DARVAZ, "2004-07",
                    "assessed", "Opened on 6 July 2004."),
            DEC_2025_CLOSURE,
        ],
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
        status_history=[
            _status("2006-10-31", "open", "Asia-Plus via Ismailimail, 2006", URL_ISHKASHIM_2006, "2006-10-31",
                    "assessed", "Reopened after reconstruction."),
            DEC_2025_CLOSURE,
        ],
    ),
    _place(
        id="crossing-khumrogi-vanj", name="Vanj bridge (Khumrogi)", kind="crossing",
        lat=38.2719, lon=71.3383,
        description=(
            "Suspension bridge of 216 m (135 m main span) built by AKDN at Khumrogi, Vanj district, "
            "and inaugurated on 16 August 2011, linking Vanj with Maimay (Mohi-May) district of "
            "Afghan Badakhshan. Sputnik Tajikistan (2019) lists Khumrogi among the seven "
            "international crossing points of the Tajik-Afghan border."
        ),
        source="AKDN press release, 2011; Sputnik Tajikistan, 2019 (list of crossings)", source_url=URL_AKDN_VANJ,
        source_date="2011-08-16",
        precision_km=2.0, precision_label="town", confidence="approximate",
        location_note=(
            "Coordinate of the German Wikipedia article 'Chumrogi-Brücke' (38°16′19″N 71°20′18″E, "
            "which also gives 216 m and the 135 m span); the AKDN release is datelined Khumrogi. "
            "0.5 km from the DCW border line, on the Tajik bank. Not re-checked against imagery."
        ),
        location_source="Wikipedia (de), Chumrogi-Brücke", location_source_url=URL_WIKI_KHUMROGI,
        opened=2011, crossing_type="suspension bridge (216 m)", official_crossing=True,
        connects="Khumrogi, Vanj (TJK) – Maimay, Badakhshan (AFG)",
        status_history=[
            _status("2011-08-16", "open", "AKDN press release, 2011", URL_AKDN_VANJ, "2011-08-16", "assessed",
                    "Inaugurated by President Rahmon."),
            _status("2019-02-13", "open", "Sputnik Tajikistan, 2019", URL_SPUTNIK_2019, "2019-02-13", "assessed",
                    "Listed among the seven checkpoints through which the border can be crossed (February 2019)."),
            DEC_2025_CLOSURE,
        ],
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
        status_history=[
            _status("2017-08", "open", "Asia-Plus, 2019", URL_SHOHON, "2019-02-18", "assessed",
                    "In use since late summer 2017 (month approximate)."),
            _status("2018-08", "closed", "Asia-Plus, 2019", URL_SHOHON, "2019-02-18", "assessed",
                    "Closed by Tajikistan about six months before February 2019 (month approximate)."),
            _status("2019-02", "open", "Asia-Plus, 2019", URL_SHOHON, "2019-02-18", "assessed",
                    "Reopened at the Afghan authorities' request in the week before 18 February 2019."),
            DEC_2025_CLOSURE,
        ],
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
        status_history=[
            _status("2018-08-15", "closed", "Asia-Plus, 2018", URL_KOKUL, "2018-08-15", "assessed",
                    "Temporarily closed after the Taliban took the district opposite on 13 August 2018; "
                    "no reopening date is on record here.", temporary=True),
            _status("2019-02-13", "open", "Sputnik Tajikistan, 2019", URL_SPUTNIK_2019, "2019-02-13", "assessed",
                    "Listed among the seven checkpoints through which the border can be crossed (February 2019)."),
            DEC_2025_CLOSURE,
        ],
    ),
    # ---------------------------------------------------------------- Russian 201st base
    _place(
        id="rus201-dushanbe", name="201st Military Base – Dushanbe garrison", kind="garrison",
        lat=DUSHANBE[1], lon=DUSHANBE[0],
        description=(
            "Main garrison of Russia's 201st Military Base, Russia's largest military base "
            "abroad; the 2012 agreement, ratified in 2013, keeps the base in Tajikistan until "
            "2042."
        ),
        source="TASS, 2014", source_url=URL_TASS_2042, source_date="2014-02-06",
        precision_km=8.0, precision_label="town", confidence="approximate",
        location_note=(
            "City centre of Dushanbe as the Wikipedia infobox gives it (38°32′N 68°47′E); the base's "
            "compounds are not mapped here."
        ),
        status="active", country="RUS",
        status_history=[
            _status("2013", "active", "TASS, 2014", URL_TASS_2042, "2014-02-06", "assessed",
                    "Stationed under the 2012 agreement, ratified in 2013, which runs to 2042."),
        ],
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
        status_history=[
            _status("2013", "active", "TASS, 2014", URL_TASS_2042, "2014-02-06", "assessed",
                    "Stationed under the 2012 agreement, ratified in 2013, which runs to 2042."),
        ],
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
        status_history=[
            _status("2015-12", "vacated", "Asia-Plus, 2015", URL_KULOB_2015, "2015-11-19", "assessed",
                    "The move out of Kulob began on 15 October 2015 and was to end by mid-December "
                    "(month approximate)."),
        ],
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
            "Frontier post of about two dozen buildings and lookout towers in Murghab district near "
            "the mouth of the Wakhan Corridor, reported by The Washington Post (19 Feb 2019) as a "
            "Chinese military facility. A Tajik military official told Asia-Plus (21 Feb 2019) that "
            "it is a Tajik post built by Chinese specialists under an intergovernmental agreement "
            "of early October 2016, under which China funded five frontier posts and a training "
            "centre. RFE/RL (October 2021) reported on Chinese security personnel in Tajikistan."
        ),
        source="Asia-Plus, 2019 (Tajik military official; citing The Washington Post); RFE/RL Tajik Service, 2021",
        source_url=URL_ASIAPLUS_2019_POSTS,
        source_date="2019-02-21", precision_km=20.0, precision_label="district", confidence="approximate",
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
    # ---------------------------------------------------------------- towns
    *[
        _place(
            id=f"town-{slug}", name=name, kind="town", lat=lat, lon=lon,
            description=desc, source=src, source_url=url, source_date=sdate,
            precision_km=prec, precision_label="town", confidence=conf,
            location_note=note, side=side,
        )
        for slug, name, lat, lon, side, desc, src, url, prec, conf, note, sdate in [
            ("dushanbe", "Dushanbe", DUSHANBE[1], DUSHANBE[0], "TJK",
             "Capital of Tajikistan, about 125 km north of the border.",
             "Wikipedia (coordinates)", URL_WIKI_DUSHANBE, 5.0, "assessed",
             "City centre as the Wikipedia infobox gives it (38°32′N 68°47′E, whole minutes, so "
             "±1 km from rounding).", "2023"),
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
             "Wikipedia (coordinates)", URL_WIKI_ISHKOSHIM, 5.0, "assessed",
             "Town centre; the Wikipedia infobox gives 36°43′38″N 71°36′42″E, within 0.1 km of "
             "this point.", "2023"),
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
             "Wikipedia, Tajik–Afghan bridge at Panji Poyon (names Sherkhan Bandar as the Afghan end)",
             URL_WIKI_PANJI_POYON, 5.0, "approximate",
             "Placed by the project about 4 km south of the bridge on the Afghan bank; the cited "
             "article names the settlement but does not locate it, so this point is an estimate.",
             "2023"),
            ("faizabad", "Faizabad", 37.1166, 70.5800, "AFG",
             "Capital of Afghanistan's Badakhshan province, from which the Wakhan is run.",
             "Wikipedia (coordinates)", "https://en.wikipedia.org/wiki/Fayzabad,_Badakhshan", 5.0,
             "assessed", "Town centre: standard gazetteer coordinate (Wikipedia infobox), not re-checked for "
             "this build.", "2023"),
        ]
    ],
]

#: Statements about a whole region that locate nothing: shipped as notes (file metadata), never as points.
REGION_NOTES: list[dict[str, Any]] = [
    {
        "id": "note-cn-pap",
        "region": "Tajikistan (no site known)",
        "title": "Chinese People's Armed Police contingents (reported)",
        "text": (
            "The Lansing Institute writes that China keeps two People's Armed Police contingents "
            "in Tajikistan to protect Chinese projects. It does not say where they are, and no "
            "other source used here locates them, so the map draws no point for them."
        ),
        "source": f"{LANSING}; {DID}", "source_url": LANSING_URL, "source_date": "2025",
        "confidence": "claimed",
    },
]

INCIDENT_SOURCES = [
    {"name": "24.kg citing Tajik and Chinese MFAs (2024)", "url": URL_24KG_2024},
    {"name": "Asia-Plus citing Khovar, Tajik Border Troops (2025-12-25)", "url": URL_ASIAPLUS_2025_CLASH},
    {"name": "Reuters via Asia-Plus, talks on joint patrols (2025-12-03)", "url": URL_ASIAPLUS_2025_REUTERS},
    {"name": "Reuters via National Post, Tajik appeal to the CSTO (2021-07-07)", "url": URL_NATPOST_2021},
    {"name": "TASS, CSTO border programme (2026-01-29)", "url": URL_TASS_CSTO_2026},
    {"name": "Fergana, CSTO border programme stages (2025)", "url": URL_FERGANA_CSTO},
    {"name": "News.az, parliamentary elections (2025-03-03)", "url": URL_NEWSAZ_ELECTION},
    {"name": "AP via Star Tribune, Russia recognises the Taliban (2025-07-03)", "url": URL_STARTRIB_RECOGNITION},
    {"name": "TRT World citing the Tajik MFA (2025-11-27)", "url": URL_TRT_2025},
    {"name": "Global Times citing the Chinese embassy (2025-11-28)", "url": URL_GT_2025},
    {"name": "Gazeta.ru citing Tajik Border Troops via Interfax (2025-12-01)", "url": URL_GAZETA_2025},
    {"name": "Exclusive.kz citing Radio Ozodi, Afghanistan International's claim (2025-12-01)",
     "url": URL_EXCLUSIVE_2025},
    {"name": "Radio Ozodi via Radio Svoboda, the 24 Dec clash (2025-12-25)", "url": URL_SVOBODA_2025_CLASH},
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
        "actor1": "Unidentified Armed Group",
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
        "origin": "Unattributed: the attackers were not identified and no one claimed the attack (24.kg, 2024)",
        "origin_attribution": "unattributed",
        "confidence": "assessed",
        "source": "24.kg citing Asia-Plus and the Chinese MFA, 2024; RFE/RL Tajik Service, 2025",
        "source_url": URL_24KG_2024,
        "source_date": "2024-11-20",
        "precision_km": 30.0,
        "claims": [
            _claim("zarbuz-killed-24kg", "fatalities", 1, "24.kg citing the Chinese MFA", "2024-11-20",
                   URL_24KG_2024, "official", "The Chinese MFA's statement: one Chinese citizen killed."),
            _claim("zarbuz-injured-24kg", "injured", 4, "24.kg citing the Chinese MFA", "2024-11-20",
                   URL_24KG_2024, "official", "The Chinese MFA's statement: four others injured."),
            _claim("zarbuz-injured-rferl", "injured", 5, "RFE/RL Tajik Service", "2024-11-18", URL_RFERL, "media",
                   "Five injured, four Chinese and one Tajik, as the project's fact-check cites it (article not "
                   "retrieved; outlet linked). Chosen as best: the MFA's four match its four Chinese, and it "
                   "also counts the Tajik.", chosen=True),
        ],
        "notes": (
            "Night of 18 Nov (24.kg). The camp of a Chinese gold-exploration company in the Zarbuz "
            "gorge was attacked; one Chinese citizen died. The Chinese MFA gives four injured, "
            "RFE/RL five (four Chinese, one Tajik). The attackers were not identified and no one "
            "claimed the attack, so no origin is recorded. Plotted at the district centre: the "
            "gorge was not located."
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
        "origin_country": "AF",
        "origin_attribution": "official",
        "confidence": "assessed",
        "source": (
            "TRT World citing the Tajik MFA, 2025; Global Times citing the Chinese embassy, 2025; "
            "Gazeta.ru citing Tajik Border Troops, 2025"
        ),
        "source_url": URL_TRT_2025,
        "source_date": "2025-11-27",
        "precision_km": 30.0,
        "claims": [
            _claim("shohin-killed-trt", "fatalities", 3, "TRT World citing the Tajik MFA", "2025-11-27", URL_TRT_2025,
                   "official", "The Tajik MFA's statement: three Chinese employees killed."),
            _claim("shohin-killed-gt", "fatalities", 3, "Global Times citing the Chinese embassy", "2025-11-28",
                   URL_GT_2025, "official", "The Chinese embassy's statement: three Chinese nationals dead."),
            _claim("shohin-injured-gt", "injured", 1, "Global Times citing the Chinese embassy", "2025-11-28",
                   URL_GT_2025, "official", "The Chinese embassy's statement: one injured."),
        ],
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
        "origin": "Ruzvayak village, Badakhshan province, Afghanistan (per the Tajik Border Troops, via Interfax)",
        "origin_country": "AF",
        "origin_attribution": "official",
        "confidence": "assessed",
        "source": "Gazeta.ru citing Tajik Border Troops via Interfax, 2025; AFP, 2025; Radio Ozodi, 2025",
        "source_url": URL_GAZETA_2025,
        "source_date": "2025-12-01",
        "precision_km": 3.0,
        "claims": [
            _claim("shodak-origin-border-troops", "origin", "Ruzvayak village, Badakhshan province, Afghanistan",
                   "Gazeta.ru citing the Tajik Border Troops via Interfax", "2025-12-01", URL_GAZETA_2025,
                   "official", "The Border Troops' statement names the village and the province, no district."),
            _claim("shodak-origin-afintl", "origin",
                   "Maimay district, Badakhshan: Taliban border units moved into the area may have been involved",
                   "Exclusive.kz citing Radio Ozodi (Afghanistan International's report)", "2025-12-01",
                   URL_EXCLUSIVE_2025, "media", "Afghanistan International's own claim, as Radio Ozodi relayed it."),
        ],
        "notes": (
            "About 18:45 local time. Gunmen fired on China Road and Bridge Corporation staff "
            "working in a gallery of the new Qal'ai Khumb – Vanj road; two Chinese died, two were "
            "wounded. The Border Troops' statement names Ruzvayak village in Badakhshan province, "
            "no district. That Taliban border units moved into Maimay district may have been "
            "involved is Afghanistan International's own claim (reported via Radio Ozodi). Village "
            "position derived from a gazetteer (see PLACES.md)."
        ),
    },
]


_NATIONAL = {
    "disorder_type": "Strategic developments",
    "event_type": "Strategic developments",
    "record_kind": "development",
    "verification": "unverified",
    "admin1": "Dushanbe",
    "latitude": DUSHANBE[1],
    "longitude": DUSHANBE[0],
    "geo_precision": 3,
    "precision_km": 5.0,
    "fatalities": 0,
}
#: How a national-level development is placed (PLACES.md repeats it).
NATIONAL_NOTE = "National-level development: plotted at Dushanbe (the capital), not at a site."

INCIDENTS += [
    {
        **_ACLED_COMMON,
        "id": "seed-2025-12-24-shamsiddin-shohin",
        "event_date": "2025-12-24",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Unidentified Armed Group",
        "actor2": "Military Forces of Tajikistan (Border Troops)",
        "admin1": "Khatlon",
        "admin2": "Shamsiddin Shohin",
        "location": "Near border post No. 5 'Bogh' of the 'Sarichashma' border unit (village of Kavo), "
                    "Shamsiddin Shohin district",
        "latitude": SHUROOBOD[1],
        "longitude": SHUROOBOD[0],
        "geo_precision": 2,
        "fatalities": 5,
        "injured": 2,
        "nationals": "TJ",
        "origin": "Crossed from Afghanistan (per the Tajik Border Troops' statement, published by Khovar)",
        "origin_country": "AF",
        "origin_attribution": "official",
        "confidence": "assessed",
        "source": "Asia-Plus citing Khovar (Tajik Border Troops' statement), 2025; Dunya News citing Khovar, "
                  "2025; Radio Ozodi via Radio Svoboda, 2025 (injured)",
        "source_url": URL_ASIAPLUS_2025_CLASH,
        "source_date": "2025-12-25",
        "precision_km": 30.0,
        "tags": "",
        "claims": [
            _claim("clash-killed-khovar", "fatalities", 5, "Asia-Plus citing Khovar (Tajik Border Troops' statement)",
                   "2025-12-25", URL_ASIAPLUS_2025_CLASH, "official",
                   "Two Tajik border guards and all three intruders killed."),
            _claim("clash-injured-ozodi", "injured", 2, "Radio Ozodi (RFE/RL Tajik Service) via Radio Svoboda",
                   "2025-12-25", URL_SVOBODA_2025_CLASH, "media",
                   "Two more border guards wounded (Asia-Plus's account of the Border Troops' statement gives no injured "
                   "figure). Radio Ozodi's sources also call the intruders smugglers."),
        ],
        "notes": (
            "Three armed men crossed from Afghanistan at 23:30 on 23 Dec, the Border Troops said, "
            "intending to attack a border post; found at 11:15 on 24 Dec, they refused to surrender. "
            "All three and two Tajik border guards were killed; Radio Ozodi reported two more guards "
            "wounded. The statement called it the third armed attack from Afghanistan in a month. Plotted at the district centre: the post "
            "and the village were not located."
        ),
    },
    {
        **_NATIONAL,
        "id": "dev-2021-07-07-csto-appeal",
        "event_date": "2021-07-07",
        "sub_event_type": "Other",
        "actor1": "Government of Tajikistan",
        "actor2": "Collective Security Treaty Organization",
        "country": "Tajikistan",
        "admin2": "",
        "location": "CSTO Permanent Council session; plotted at Dushanbe",
        "nationals": "TJ",
        "origin": "",
        "confidence": "assessed",
        "source": "Reuters via National Post, 2021 (citing RIA); Armenpress, 2021",
        "source_url": URL_NATPOST_2021,
        "source_date": "2021-07-07",
        "tags": "csto-request-informal",
        "notes": (
            "Tajikistan's permanent representative to the CSTO, Hasan Sultonov, told the Permanent "
            "Council that the country could hardly handle the situation on the Afghan border alone, "
            "and called on members to carry out the Collective Security Council's decision of 23 "
            "September 2013 on helping Tajikistan strengthen that border. An appeal, not a request "
            "under the collective-defence article: marked csto-request-informal. " + NATIONAL_NOTE
        ),
    },
    {
        **_NATIONAL,
        "id": "dev-2024-11-28-csto-border-programme",
        "event_date": "2024-11-28",
        "sub_event_type": "Agreement",
        "actor1": "Collective Security Treaty Organization",
        "actor2": "Government of Tajikistan",
        "country": "Tajikistan",
        "admin2": "",
        "location": "CSTO summit (Astana); plotted at Dushanbe",
        "nationals": "TJ",
        "origin": "",
        "confidence": "assessed",
        "source": "TASS (CSTO Secretary General), 2026; Fergana citing the CSTO press service, 2025 (stages)",
        "source_url": URL_TASS_CSTO_2026,
        "source_date": "2026-01-29",
        "tags": "",
        "notes": (
            "The CSTO's Interstate Targeted Programme for strengthening the Tajik-Afghan border, "
            "first decided on 23 Sep 2013, was adopted on 28 Nov 2024. Three stages: 2025, Tajikistan "
            "assesses what members can supply, finds funding and signs contracts; 2026-27, weapons "
            "and equipment are delivered to selected border posts; 2027-29, the programme covers the "
            "whole border. In January 2026 the CSTO Secretary General said the first stage (lists "
            "of equipment and suppliers) was still under way. Allied help, not an answer to an "
            "invocation: no trigger marker. " + NATIONAL_NOTE
        ),
    },
    {
        **_NATIONAL,
        "id": "dev-2025-03-02-parliamentary-elections",
        "event_date": "2025-03-02",
        "sub_event_type": "Other",
        "actor1": "Government of Tajikistan",
        "actor2": "",
        "country": "Tajikistan",
        "admin2": "",
        "location": "Tajikistan (nationwide vote); plotted at Dushanbe",
        "nationals": "TJ",
        "origin": "",
        "confidence": "assessed",
        "source": "News.az citing Tajik media, 2025",
        "source_url": URL_NEWSAZ_ELECTION,
        "source_date": "2025-03-03",
        "tags": "",
        "notes": (
            "Elections to the lower house (63 seats: 41 constituencies, 22 party-list seats). The "
            "ruling People's Democratic Party took 12 of the 22 list seats; official turnout 85.3%. "
            "Context for the government's nationalist line on the border. " + NATIONAL_NOTE
        ),
    },
    {
        **_NATIONAL,
        "id": "dev-2025-07-03-russia-recognises-taliban",
        "event_date": "2025-07-03",
        "sub_event_type": "Other",
        "actor1": "Government of Russia",
        "actor2": "Government of Afghanistan (Taliban)",
        "country": "Russia",
        "admin1": "Moscow",
        "admin2": "",
        "location": "Moscow; plotted at Dushanbe as regional context",
        "nationals": "RU;AF",
        "origin": "",
        "confidence": "assessed",
        "source": "AP via Star Tribune, 2025; AFP via LBC, 2025",
        "source_url": URL_STARTRIB_RECOGNITION,
        "source_date": "2025-07-03",
        "tags": "",
        "notes": (
            "Russia formally recognised the Taliban government of Afghanistan, the first country to "
            "do so since 2021, by accepting the credentials of its new ambassador. It frames how "
            "Moscow can act on the Tajik-Afghan border. A Russian act, outside the map's region: "
            "plotted at Dushanbe as context, not at a site."
        ),
    },
    {
        **_NATIONAL,
        "id": "dev-2025-11-28-china-embassy-leave-border",
        "event_date": "2025-11-28",
        "sub_event_type": "Other",
        "actor1": "Government of China (Embassy in Tajikistan)",
        "actor2": "Civilians (China)",
        "country": "Tajikistan",
        "admin2": "",
        "location": "Embassy of China, Dushanbe",
        "nationals": "CN",
        "origin": "",
        "confidence": "assessed",
        "source": "Global Times citing the Chinese embassy, 2025; Fergana, 2025 (renewed call of 1 Dec)",
        "source_url": URL_GT_2025,
        "source_date": "2025-11-28",
        "tags": "china-demands-protection",
        "notes": (
            "After the 26 Nov attack the Chinese embassy condemned it, asked Tajikistan to punish "
            "those responsible and protect Chinese citizens and projects, and urged Chinese nationals "
            "near the Tajik-Afghan border to leave; it renewed the call on 1 Dec after the Shodak "
            "attack. A public demand for protection that does not point at Russia: marked "
            "china-demands-protection. " + NATIONAL_NOTE
        ),
    },
    {
        **_NATIONAL,
        "id": "dev-2025-12-02-joint-patrol-talks",
        "event_date": "2025-12-02",
        "sub_event_type": "Other",
        "actor1": "Government of Tajikistan",
        "actor2": "Military Forces of Russia (201st Military Base); Collective Security Treaty Organization",
        "country": "Tajikistan",
        "admin2": "",
        "location": "Dushanbe (talks)",
        "nationals": "TJ;RU",
        "origin": "",
        "confidence": "claimed",
        "source": "Reuters via Asia-Plus, 2025 (three Tajik security officials); AFP via Insider Paper, 2025 (denial)",
        "source_url": URL_ASIAPLUS_2025_REUTERS,
        "source_date": "2025-12-03",
        "tags": "csto-request-informal",
        "notes": (
            "Reuters (2 Dec), citing three unnamed Tajik security officials: Tajikistan was in talks "
            "with Russia and the CSTO on joint patrols of the border by troops of the 201st base, "
            "possibly with helicopter support. Tajikistan's Foreign Ministry denied it on 3 Dec. "
            "Anonymous and officially denied: confidence claimed. A request outside the formal "
            "mechanisms: marked csto-request-informal. " + NATIONAL_NOTE
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
            "region_notes": REGION_NOTES,
        },
        "features": feats,
    }


def incidents_collection() -> dict[str, Any]:
    """The seed incidents FeatureCollection (a new dict each call)."""
    feats = [_feature({"id": rec["id"], **{k: v for k, v in rec.items() if v != ""}},
                      rec["longitude"], rec["latitude"]) for rec in INCIDENTS]
    return {
        "type": "FeatureCollection",
        "metadata": {
            "title": "Border Map seed records: attacks and clashes on the border and cited developments, 2021–2025",
            "built": BUILT, "licence": LICENCE, "sources": INCIDENT_SOURCES,
            "crs": "EPSG:4326",
            "schema": "ACLED-style fields (event_type, sub_event_type, geo_precision 1–3); record_kind "
                      "'development' for Strategic developments, whose tags carry the trigger markers",
        },
        "features": feats,
    }


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


#: Corrections made after the fact-check of November 2026, each with what it rests on
#: (source, date, URL as cited). Rendered into PLACES.md and checked by tests/data.
CORRECTIONS: list[dict[str, Any]] = [
    {
        "id": "crossing-khumrogi-vanj",
        "change": "Now an official (international) crossing; placed at the bridge itself (Khumrogi) "
                  "instead of a district-level point 6 km away; precision 12 km → 2 km.",
        "rests_on": [
            ("Sputnik Tajikistan", "2019-02-13", URL_SPUTNIK_2019,
             "lists seven checkpoints on the Tajik-Afghan border, among them 'Khumrogi' in Vanj district"),
            ("AKDN press release", "2011-08-16", URL_AKDN_VANJ, "datelined Khumrogi, Vanj District"),
            ("Wikipedia (de), Chumrogi-Brücke", "2023", URL_WIKI_KHUMROGI,
             "coordinate 38°16′19″N 71°20′18″E; 216 m, 135 m main span"),
        ],
    },
    {
        "id": "seed-2025-11-30-shodak",
        "change": "Origin is Ruzvayak village, Badakhshan province, as the Border Troops said, with no "
                  "district; 'Maimay district' is kept only as Afghanistan International's own claim "
                  "in the notes.",
        "rests_on": [
            ("Gazeta.ru citing the Tajik Border Troops via Interfax", "2025-12-01", URL_GAZETA_2025,
             "attackers came from the village of Ruzvayak, Badakhshan province"),
            ("Exclusive.kz citing Radio Ozodi (Afghanistan International's claim)", "2025-12-01",
             URL_EXCLUSIVE_2025, "Taliban border units moved into the Maimay area may have been involved"),
        ],
    },
    {
        "id": "seed-2024-11-18-zarbuz",
        "change": "Date is the night of 18 Nov (not 17–18); 'crossed the Panj' removed; origin is "
                  "unattributed, so the record no longer counts as Afghan origin for trigger 1; "
                  "actor1 no longer says Afghanistan.",
        "rests_on": [
            ("24.kg citing the Tajik MFA and the Chinese MFA", "2024-11-20", URL_24KG_2024,
             "night of 18 November; the attackers have not been identified; no one claimed it"),
            ("RFE/RL Tajik Service", "2024-11-18", "https://www.rferl.org/",
             "five injured, four Chinese and one Tajik (as cited by the fact-check; article not "
             "retrieved, outlet linked)"),
        ],
    },
    {
        "id": "town-dushanbe",
        "change": "Moved 2.9 km to the Wikipedia infobox coordinate it cites (also the Dushanbe "
                  "garrison, rus201-dushanbe).",
        "rests_on": [("Wikipedia, Dushanbe (infobox)", "2023", URL_WIKI_DUSHANBE, "38°32′N 68°47′E")],
    },
    {
        "id": "note-cn-pap",
        "change": "The 250-km 'district' point cn-pap-gbao is gone: the contingents are a region-level "
                  "note (file metadata region_notes), not a site.",
        "rests_on": [("Lansing Institute analysis", "2025", LANSING_URL, "two contingents in Tajikistan; no location given")],
    },
    {
        "id": "cn-shaymak-post",
        "change": "Text and citation: the URL is the Asia-Plus article actually used; a Tajik official "
                  "says China built frontier posts under an October 2016 agreement (five posts and a "
                  "training centre).",
        "rests_on": [
            ("Asia-Plus", "2019-02-21", URL_ASIAPLUS_2019_POSTS,
             "Tajik military official: agreement of early October 2016; five frontier posts and one "
             "training centre; one post in Murghab district"),
            ("RFE/RL Tajik Service", "2021-10-28", URL_RFE_BASES, "Chinese personnel and bases (October 2021)"),
        ],
    },
    {
        "id": "crossing-panji-poyon",
        "change": "Length 672 m (was 'about 680 m'); coordinate cited to Wikipedia.",
        "rests_on": [("Wikipedia, Tajik–Afghan bridge at Panji Poyon", "2023", URL_WIKI_PANJI_POYON,
                      "37°11′41″N 68°36′19″E; 672 m; opened 26 August 2007")],
    },
    {
        "id": "crossing-tem-demogan",
        "change": "135 m suspension bridge; coordinate cited to Wikipedia.",
        "rests_on": [("Wikipedia, Tem, Tajikistan", "2023", URL_WIKI_TEM,
                      "37°31′27″N 71°30′28″E; suspension bridge, 135 m; opened 3 November 2002")],
    },
    {
        "id": "crossing-darvaz-ruzvai",
        "change": "135 m suspension bridge opened 6 July 2004; coordinate cited to Wikipedia.",
        "rests_on": [("Wikipedia, Tajik–Afghan Friendship Bridge", "2023", URL_WIKI_DARVAZ,
                      "38°27′12″N 70°49′38″E; suspension bridge, 135 m; opened 6 July 2004")],
    },
    {
        "id": "town-ishkashim",
        "change": "Cites the Wikipedia article instead of the site's home page.",
        "rests_on": [("Wikipedia, Ishkoshim, Tajikistan", "2023", URL_WIKI_ISHKOSHIM, "36°43′38″N 71°36′42″E")],
    },
    {
        "id": "town-sher-khan-bandar",
        "change": "Cites the article that names the settlement instead of the site's home page; the "
                  "point stays an estimate.",
        "rests_on": [("Wikipedia, Tajik–Afghan bridge at Panji Poyon", "2023", URL_WIKI_PANJI_POYON,
                      "Sherkhan Bandar is the Afghan end of the bridge")],
    },
]


def _origin_cell(rec: dict[str, Any]) -> str:
    """The structured origin of a seed record for PLACES.md: ``AF (official)``, ``unattributed`` or —."""
    by = rec.get("origin_attribution")
    if not by:
        return "—"
    return f"{rec['origin_country']} ({by})" if rec.get("origin_country") else by


def _md_sources(rests_on: list[tuple[str, str, str, str]]) -> str:
    return "; ".join(f"{_md_cell(src)}, {when}, <{url}> — {_md_cell(what)}" for src, when, url, what in rests_on)


def places_markdown() -> str:
    """The provenance table ``data/PLACES.md`` as text."""
    lines = [
        "# Reference places and seed records — provenance",
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
        "## Status history (`status_history` of each place)",
        "",
        "What a place's status was on a date is the latest entry that began on or before it "
        "(`geo.place_status.status_as_of`). A partial date (2017-08) stands for its first day. "
        "*Temporary* marks a closure whose end is not on record: the map keeps showing it as "
        "the last reported state, with that caveat.",
        "",
        "| place | from | status | confidence | source (date) | note |",
        "|---|---|---|---|---|---|",
    ]
    for r in PLACES:
        for ev in r.get("status_history", []):
            status = ev["status"] + (" (temporary)" if ev["temporary"] else "")
            lines.append(
                f"| {r['id']} | {ev['from']} | {status} | {ev['confidence']} | {_md_cell(ev['source'])} "
                f"({ev['source_date']}) <{ev['source_url']}> | {_md_cell(ev['note'])} |"
            )
    lines += [
        "",
        "## Region-level notes (`metadata.region_notes` of `data/places.geojson`)",
        "",
        "Statements that concern a region but locate nothing. The map draws no point for them.",
        "",
    ]
    for note in REGION_NOTES:
        lines.append(f"- **{note['id']}** ({_md_cell(note['region'])}) — {_md_cell(note['text'])} "
                     f"Source: {note['source']} ({note['source_date']}), confidence {note['confidence']}.")
    lines += [
        "",
        "## Seed records (`data/seed_incidents.geojson`)",
        "",
        "Incidents and cited developments (`record_kind` development, ACLED 'Strategic "
        "developments'; their `tags` carry the trigger markers). A new incident store starts "
        "with them.",
        "",
        "`origin_country` and `origin_attribution` are the structured origin the triggers read: "
        "*official* when a government body gave the origin on the record (the Tajik MFA or Border "
        "Troops here), *claimed* when only others asserted it, *unattributed* when no one has; "
        "developments leave them blank. The free-text `origin` keeps the place and who said it.",
        "",
        "| id | kind | date | location | lat, lon | precision | geo_precision | killed / injured | "
        "origin (attributed) | markers | confidence | source (date) | how the coordinate was obtained |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    how = {
        "seed-2024-11-18-zarbuz": "District centre (Shuroobod); gorge not located.",
        "seed-2025-11-26-shohin-sm": "District centre (Shuroobod); camp and post not located.",
        "seed-2025-11-30-shodak": "Derived village position of Shodak (see cn-crbc-shodak).",
        "seed-2025-12-24-shamsiddin-shohin": "District centre (Shuroobod); post and village not located.",
    }
    for r in INCIDENTS:
        injured = "n/a" if r.get("injured") is None else r["injured"]
        lines.append(
            f"| {r['id']} | {r.get('record_kind', 'incident')} | {r['event_date']} | {_md_cell(r['location'])} | "
            f"{r['latitude']:.4f}, {r['longitude']:.4f} | {r['precision_km']:g} km | {r['geo_precision']} | "
            f"{r['fatalities']} / {injured} | {_origin_cell(r)} | {r.get('tags') or '—'} | {r['confidence']} | "
            f"{_md_cell(r['source'])} ({r['source_date']}) <{r['source_url']}> | "
            f"{how.get(r['id'], NATIONAL_NOTE)} |"
        )
    lines += [
        "",
        "## Claims (`claims` of each seed record)",
        "",
        "Figures and origins as each source gives them, where the sources differ or a second source "
        "confirms a figure (rules: `geo/claims.py`; low = smallest, high = largest of the sources' "
        "figures, best = the chosen claim, else their median). *chosen* marks the figure the project "
        "uses as best.",
        "",
        "| record | field | value | claimant | source (date) | note |",
        "|---|---|---|---|---|---|",
    ]
    for r in INCIDENTS:
        for c in r.get("claims", []):
            chosen = " (*chosen*)" if c["chosen"] else ""
            lines.append(f"| {r['id']} | {c['field']} | {_md_cell(c['value'])}{chosen} | {c['claimant']} | "
                         f"{_md_cell(c['source'])} ({c['source_date']}) <{c['source_url']}> | {_md_cell(c['note'])} |")
    lines += [
        "",
        "## Corrections after the fact-check of November 2026",
        "",
        "Each correction and what it rests on: source, date, URL as cited, and what that source says.",
        "",
        "| id | change | rests on |",
        "|---|---|---|",
    ]
    for c in CORRECTIONS:
        lines.append(f"| {c['id']} | {_md_cell(c['change'])} | {_md_sources(c['rests_on'])} |")
    lines += [
        "",
        "Cited without being read: the Sputnik Tajikistan article of 17 Dec 2025 on crossings "
        "closed after the December attacks was not retrievable for this build. It is cited as the "
        "fact-check gives it (outlet link only) and applied to every crossing as a *claimed* "
        "closure. Likewise the RFE/RL figures for Zarbuz.",
        "",
        "## Derivations",
        "",
        "- **Shodak** — the gazetteer page for Vishkharv (tojkiston.ucoz.ru) gives Vishkharv at "
        "38.4925 N, 70.9879 E and Shodak 5.1 km upstream on the right bank of the Panj. Vishkharv "
        "projects to border chainage 552.9 km; the point at 558.0 km, moved 0.6 km onto the Tajik "
        "bank, is used. The DCW line is smoother than the river, so the true spot is probably "
        "slightly closer to Vishkharv: hence 3 km precision.",
        "- **Ishkashim, Shohon, Kokul crossings** — points of the DCW line at the stated "
        "chainage, chosen from the named town or facing district; the bridges were not located "
        "on imagery.",
        "- **Vakhon** — only the village name and district are public; the point is the middle of "
        "the Tajik Wakhan valley, with a 50 km radius.",
        "- **Darvaz bridge = Ruzvai crossing** — an inference: the Tajik list of international "
        "crossings names Ruzvai for Darvaz, and AKDN reports one Darvaz bridge (2004).",
        "- **National-level developments** — plotted at Dushanbe (38.5333 N, 68.7833 E) with "
        "geo_precision 3: the point marks the capital, not where anything happened.",
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
