"""Realistic ACLED-style incidents along the Tajik–Afghan border, generated in code.

Used by the incident-layer tests and by ``benchmarks/bench_incidents_map.py``. The
frame has the columns :meth:`geo.store.IncidentStore.list` returns that the map shows.
Shape of the data, after ACLED exports for the region: six event types in unequal
shares, most events without fatalities and a long tail, dates over five years, ~300
named locations, a third of the events located only to a district or province centre
(so many share one coordinate), notes of 100–250 characters, a few dozen sources.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.border import Border, load_border, points_at_chainage
from geo.incidents import EVENT_TAXONOMY

_TYPE_SHARES = {"Battles": 0.28, "Explosions/Remote violence": 0.17, "Violence against civilians": 0.15,
                "Protests": 0.17, "Riots": 0.05, "Strategic developments": 0.18}
_ACTORS = ("Taliban", "Military Forces of Tajikistan (1992-)", "Police Forces of Tajikistan (1992-)",
           "Border Troops of Tajikistan", "Islamic State (Afghanistan)", "NRF: National Resistance Front",
           "Unidentified Armed Group (Afghanistan)", "Civilians (Afghanistan)", "Civilians (Tajikistan)",
           "Civilians (China)", "Smugglers (Afghanistan)", "Protesters (Tajikistan)",
           "Rioters (Afghanistan)", "Military Forces of Russia (2000-)", "AFF: Afghanistan Freedom Front",
           "Jamaat Ansarullah", "Police Forces of Afghanistan (2021-)", "Unidentified Communal Militia")
_SOURCES = ("Asia-Plus", "RFE/RL Tajik Service", "Pajhwok Afghan News", "Khaama Press", "Tolo News",
            "Afghanistan International", "Amu TV", "Kabul Now", "Hasht-e Subh", "Avesta", "Sputnik Tajikistan",
            "24.kg", "Eurasianet", "Xinhua", "Bakhtar News Agency", "Local media", "Twitter", "Ariana News",
            "Shamshad News", "Etilaatroz", "Radio Ozodi; Asia-Plus", "Pajhwok Afghan News; Tolo News")
_ORIGINS = ("Across the border from Afghanistan", "Across the border from Tajikistan", "Local", "Unknown")
_NATIONALS = ("AF", "TJ", "CN", "AF,TJ", "CN,TJ", "RU")
#: the store's vocabulary (geo.datasets.CONFIDENCE_VALUES): exact events assessed or claimed
_CONF = ("assessed", "claimed", "approximate")
_WORDS = ("night", "checkpoint", "convoy", "village", "market", "bridge", "river", "patrol", "district",
          "road", "mosque", "school", "border post", "mountain pass", "farmers", "traders", "drug shipment",
          "weapons cache", "mine", "gold prospectors", "herders", "fishermen", "customs office", "ferry")


def synthetic_incidents(n: int, seed: int = 0, border: Border | None = None) -> gpd.GeoDataFrame:
    """``n`` incidents near the border (EPSG:4326), reproducible for a given ``seed``.

    Exact events (ACLED geo_precision 1, ~65 %) lie within ~25 km of the line; the rest sit
    on one of ~90 district/province centres with ``precision_km`` 10 or 50.
    """
    rng = np.random.default_rng(seed)
    border = border or load_border()
    length = border.length_km
    # locations: ~300 named places strung along the border, ~90 "district centres"
    n_places = 300
    place_km = np.sort(rng.uniform(0, length, n_places))
    place_xy = points_at_chainage(border, place_km) + rng.normal(0, 0.08, (n_places, 2))
    place_names = np.array([f"{p}{q} ({'Tajikistan' if i % 2 else 'Afghanistan'})" for i, (p, q) in enumerate(
        zip(rng.choice(["Qala-i-", "Deh-", "Khoja ", "Kuhi ", "Sari ", "Nov", "Pas"], n_places),
            rng.choice(["Panj", "Zebak", "Khumb", "Darvoz", "Shahr", "Yangi", "Rushan", "Sayod", "Mir",
                        "Kalon", "Ishkashim", "Vakhan", "Chubek", "Farkhor"], n_places), strict=True))])
    place_names = np.array([f"{name} #{i}" for i, name in enumerate(place_names)])

    types = np.array(list(_TYPE_SHARES))
    etype = rng.choice(types, n, p=np.array(list(_TYPE_SHARES.values())))
    sub = np.empty(n, dtype=object)
    for t in types:
        mask = etype == t
        sub[mask] = rng.choice(np.array(EVENT_TAXONOMY[t], dtype=object), int(mask.sum()))

    place = rng.integers(0, n_places, n)
    geo_precision = rng.choice([1, 2, 3], n, p=[0.65, 0.27, 0.08])
    precision_km = np.select([geo_precision == 1, geo_precision == 2], [0.5, 10.0], 50.0)
    # exact events scatter around their place; approximate ones sit on a "centre" (every 3rd place)
    jitter = rng.normal(0, 0.06, (n, 2))
    xy = place_xy[place] + jitter
    centre = place_xy[(place // 3) * 3]
    xy = np.where((geo_precision > 1)[:, None], centre, xy)

    start = dt.date(2021, 1, 1).toordinal()
    dates = np.array([dt.date.fromordinal(int(d)).isoformat() for d in rng.integers(start, start + 5 * 365, n)])
    violent = np.isin(etype, ["Battles", "Explosions/Remote violence", "Violence against civilians"])
    fatalities = np.where(violent & (rng.random(n) < 0.55), rng.geometric(0.3, n), 0)
    fatalities = np.where(rng.random(n) < 0.005, rng.integers(20, 150, n), fatalities)
    actors = np.array(_ACTORS, dtype=object)
    actor1 = actors[rng.integers(0, len(actors), n)]
    actor2 = np.where(rng.random(n) < 0.7, actors[rng.integers(0, len(actors), n)], None)
    words = np.array(_WORDS, dtype=object)
    w1, w2, w3 = (words[rng.integers(0, len(words), n)] for _ in range(3))
    # free text from a ~1,000-word vocabulary, so the notes compress about as well as real prose (≈3×)
    syll = np.array(["ka", "ro", "shi", "dan", "bek", "mir", "zo", "ul", "ab", "tor", "gul", "ha", "nes",
                     "vi", "ter", "po", "lam", "sa", "rin", "dov", "e", "a", "or", "is"], dtype=object)
    vocab = np.unique(syll[rng.integers(0, len(syll), 1500)] + syll[rng.integers(0, len(syll), 1500)]
                      + np.where(rng.random(1500) < 0.5, syll[rng.integers(0, len(syll), 1500)], ""))
    vocab = np.concatenate([vocab, words])
    free = [" ".join(vocab[rng.integers(0, len(vocab), k)]) for k in rng.integers(6, 22, n)]
    notes = [f"On {d}, {a1} {'clashed with ' + str(a2) if a2 else 'was involved in an incident'} near the "
             f"{x} of {place_names[p]}. Reports mention a {y} and {z}; {f} fatalities"
             f"{' and ' + str(i) + ' injured' if i else ''}. {t.capitalize()}."
             for d, a1, a2, x, y, z, p, f, i, t in zip(dates, actor1, actor2, w1, w2, w3, place, fatalities,
                                                        rng.integers(0, 6, n) * (rng.random(n) < 0.4),
                                                        free, strict=True)]
    has_url = rng.random(n) < 0.1
    urls = np.where(has_url, [f"https://news.example.org/{y}/{k}" for y, k in
                              zip(rng.integers(2021, 2026, n), rng.integers(100_000, 999_999, n), strict=True)],
                    None)
    frame = pd.DataFrame({
        "id": [f"{i:08x}-0000-4000-8000-{seed:012x}" for i in range(n)],
        "event_id_cnty": [f"AFG{70000 + i}" if i % 2 else f"TJK{30000 + i}" for i in range(n)],
        "event_date": dates,
        "event_type": etype,
        "sub_event_type": sub,
        "actor1": actor1,
        "actor2": actor2,
        "country": np.where(xy[:, 1] > 37.3, "Tajikistan", "Afghanistan"),
        "admin1": np.where(xy[:, 0] > 71.3, "Gorno-Badakhshan", "Khatlon"),
        "location": place_names[place],
        "latitude": xy[:, 1],
        "longitude": xy[:, 0],
        "geo_precision": pd.array(geo_precision, dtype="Int64"),
        "source": np.array(_SOURCES, dtype=object)[rng.integers(0, len(_SOURCES), n)],
        "notes": notes,
        "fatalities": pd.array(fatalities, dtype="Int64"),
        "injured": pd.array(np.where(rng.random(n) < 0.3, rng.integers(0, 8, n), -1), dtype="Int64"),
        "nationals": np.array(_NATIONALS, dtype=object)[rng.integers(0, len(_NATIONALS), n)],
        "origin": np.array(_ORIGINS, dtype=object)[rng.integers(0, len(_ORIGINS), n)],
        "confidence": np.where(geo_precision > 1, "approximate",
                               np.array(_CONF[:2], dtype=object)[rng.integers(0, 2, n)]),
        "verification": np.where(rng.random(n) < 0.3, "verified", "unverified"),
        "record_kind": np.where(etype == "Strategic developments", "development", "incident"),
        "source_url": urls,
        "source_date": dates,
        "precision_km": precision_km,
    })
    frame["injured"] = frame["injured"].mask(frame["injured"] < 0)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326)
