"""``python -m geo triggers``: how close the incident record is to each escalation trigger.

Reads the store named by ``--db``, ``BORDERMAP_DB`` or the default location (a store
not yet created lists the seed incidents it will hold; nothing is written), evaluates
the rules of ``data/triggers.json`` (or ``--rules``) with optional threshold overrides,
and prints ``{"triggers": [{"id", "name", "status", "incident_ids"}, ...]}`` with
``--json`` or a short table otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging

from cli.output import emit
from geo.errors import InvalidInputError

logger = logging.getLogger(__name__)


def _run(args: argparse.Namespace) -> int:
    from geo.border import load_border
    from geo.store import open_store
    from geo.triggers import AttackTrigger, evaluate_triggers, load_rules, with_thresholds

    for flag, value, unit in (("--min-fatalities", args.min_fatalities, "people killed"),
                              ("--campaign-days", args.campaign_days, "days"),
                              ("--lapse-days", args.lapse_days, "days")):
        if value is not None and value < 1:
            raise InvalidInputError(f"{flag} must be a whole number of {unit}, at least 1; got {value}")
    as_of = None
    if args.as_of is not None:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise InvalidInputError(f"--as-of must be a date as YYYY-MM-DD; got {args.as_of[:80]!r}") from None
    rules = with_thresholds(load_rules(args.rules), min_fatalities=args.min_fatalities,
                            min_confidence=args.min_confidence, fatality_estimate=args.fatality_estimate,
                            min_attribution=args.min_attribution, campaign_window_days=args.campaign_days,
                            lapse_days=args.lapse_days)
    incidents = open_store(args.db).list()
    results = evaluate_triggers(incidents, rules, load_border(), as_of=as_of)
    payload = {"triggers": [r.to_dict() for r in results]}
    width = max(len(r.name) for r in results)
    lines = [f"{'id':<3} {'trigger':<{width}}  {'status':<10}  records", "-" * (width + 27)]
    for r in results:
        lines.append(f"{r.id:<3} {r.name:<{width}}  {r.status:<10}  {len(r.incident_ids)}")
    lines.append("")
    for r in results:
        lines.append(f"{r.id}: {r.explanation}")
        lines += [f"   {note}" for note in r.notes]
    t1 = next((t for t in rules.triggers if isinstance(t, AttackTrigger)), None)
    if t1 is not None:
        lines.append(f"(trigger {t1.id}: ≥ {t1.min_fatalities} killed, {t1.fatality_estimate} estimate, alone or "
                     f"within {t1.campaign_window_days} days; origin attributed ≥ {t1.min_attribution}; "
                     f"confidence ≥ {t1.min_confidence}; {len(incidents)} records read)")
    emit(payload, args.json, "\n".join(lines))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``triggers`` command."""
    p = subparsers.add_parser("triggers", help="status of the three escalation triggers over the incident store",
                              description="Evaluate the escalation triggers (data/triggers.json) over the store.")
    p.add_argument("--db", help="incident store (.gpkg); default $BORDERMAP_DB, then the user data dir")
    p.add_argument("--rules", help="rules file (JSON like data/triggers.json); default the shipped one")
    p.add_argument("--min-fatalities", type=int, dest="min_fatalities",
                   help="trigger 1: fewest people killed for a mass-casualty attack (default from the rules)")
    p.add_argument("--min-confidence", choices=("claimed", "assessed"), dest="min_confidence",
                   help="weakest confidence that counts toward 'met', all triggers (default assessed)")
    p.add_argument("--fatality-estimate", choices=("low", "best", "high"), dest="fatality_estimate",
                   help="trigger 1: which fatality figure is compared (default best)")
    p.add_argument("--min-attribution", choices=("official", "claimed"), dest="min_attribution",
                   help="trigger 1: weakest attribution of the Afghan origin that counts (default official)")
    p.add_argument("--campaign-days", type=int, dest="campaign_days",
                   help="trigger 1: rolling window in days over which attacks are summed (default 30)")
    p.add_argument("--lapse-days", type=int, dest="lapse_days",
                   help="trigger 2: days without an answer after which an invocation has lapsed (default 30)")
    p.add_argument("--as-of", dest="as_of", help="date the lapse clock runs to, YYYY-MM-DD (default today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=_run)
