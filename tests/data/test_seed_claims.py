"""The seed records' claims: each source's figure with its source, date and claimant, listed in
PLACES.md; the record's figures are the ones the claims give (geo.claims rules)."""

from __future__ import annotations

import json

from geo import datasets
from geo.claims import origin_attribution, parse_claims, summarize
from geo.incidents import validate_incident

PLACES_MD = (datasets.DATA_DIR / "PLACES.md").read_text(encoding="utf-8")
SEEDS = {f["properties"]["id"]: f["properties"]
         for f in json.loads((datasets.DATA_DIR / datasets.SEED_INCIDENTS_FILE).read_text())["features"]}


def _claims(seed_id: str):
    return parse_claims(SEEDS[seed_id]["claims"])


def _md_rows(seed_id: str) -> list[str]:
    section = PLACES_MD.split("## Claims (`claims` of each seed record)", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith(f"| {seed_id} |")]


def test_zarbuz_injured_differ_between_the_chinese_mfa_and_rferl() -> None:
    claims = _claims("seed-2024-11-18-zarbuz")
    injured = {c.source: c for c in claims if c.field == "injured"}
    assert injured["24.kg citing the Chinese MFA"].value == 4
    assert injured["24.kg citing the Chinese MFA"].claimant == "official"
    assert "24.kg/english/311756" in (injured["24.kg citing the Chinese MFA"].source_url or "")
    assert injured["RFE/RL Tajik Service"].value == 5 and injured["RFE/RL Tajik Service"].chosen
    s = summarize(claims)["injured"]
    assert (s.low, s.best, s.high, s.sources_differ) == (4, 5, 5, True)
    assert SEEDS["seed-2024-11-18-zarbuz"]["injured"] == 5 and SEEDS["seed-2024-11-18-zarbuz"]["fatalities"] == 1
    # Zarbuz stays unattributed: no origin claim is recorded for it
    assert origin_attribution(claims) == "unattributed"
    rows = _md_rows("seed-2024-11-18-zarbuz")
    assert any("| injured | 4 | official | 24.kg citing the Chinese MFA (2024-11-20)" in r for r in rows)
    assert any("| injured | 5 (*chosen*) | media | RFE/RL Tajik Service (2024-11-18)" in r for r in rows)


def test_shodak_origin_claims_keep_each_source_apart() -> None:
    claims = _claims("seed-2025-11-30-shodak")
    origins = {c.claimant: c for c in claims if c.field == "origin"}
    assert "Ruzvayak" in str(origins["official"].value) and "district" not in str(origins["official"].value)
    assert "gazeta.ru/social/news/2025/12/01/27309715" in (origins["official"].source_url or "")
    assert "Maimay" in str(origins["media"].value) and "Afghanistan International" in origins["media"].source
    assert summarize(claims)["origin"].sources_differ and not any(c.chosen for c in claims)
    assert origin_attribution(claims) == "official"
    assert "Maimay" not in SEEDS["seed-2025-11-30-shodak"]["origin"]  # the record keeps the official text
    assert len(_md_rows("seed-2025-11-30-shodak")) == 2


def test_the_december_clash_and_the_drone_attack() -> None:
    clash = summarize(_claims("seed-2025-12-24-shamsiddin-shohin"))
    assert (clash["fatalities"].best, clash["injured"].best) == (5, 2)
    injured = next(c for c in _claims("seed-2025-12-24-shamsiddin-shohin") if c.field == "injured")
    assert injured.claimant == "media" and "radiosvoboda.org" in (injured.source_url or "")
    drone = summarize(_claims("seed-2025-11-26-shohin-sm"))
    assert drone["fatalities"].sources == 2 and not drone["fatalities"].sources_differ  # Tajik MFA and Chinese embassy
    assert drone["injured"].best == 1


def test_every_seed_record_agrees_with_its_claims_and_cites_each() -> None:
    for seed_id, props in SEEDS.items():
        fields = {k: v for k, v in props.items() if k != "id"}
        rec = validate_incident(fields)  # refuses a typed figure that its claims contradict
        for c in parse_claims(props.get("claims")):
            assert c.source and c.source_date and c.source_url and c.source_url.startswith("http"), (seed_id, c.id)
            assert c.claimant in ("official", "party", "media", "other")
        if props.get("claims"):
            assert rec["fatalities"] == props["fatalities"] and rec["injured"] == props.get("injured")
            assert len(_md_rows(seed_id)) == len(parse_claims(props["claims"]))
