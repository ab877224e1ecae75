"""`footprint review …`: the programme manager's judgement on a notification.

    footprint review set N123 --category late_footprint --reason-code recorded_elsewhere --by "A. Manager"
    footprint review clear N123 --by "A. Manager"
    footprint review list [--month 2022-02] [--format text|json] [--notes]
    footprint review sample --month 2022-02 --per-iro 2 --seed 7 [--by NAME]
    footprint review grade N123 --quality good --by "A. Manager"

Reviews and grades take effect at the next build: tonight's run, or
`footprint build` then `footprint publish` now.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from footprint.categories import CATEGORIES
from footprint.cli._common import iso_month


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="review_action", required=True)
    set_ = sub.add_parser("set", help="record a reviewed category for a notification")
    set_.add_argument("notification_id")
    set_.add_argument("--category", required=True, choices=CATEGORIES)
    set_.add_argument("--reason-code", required=True, help="one of config/review.yml's reason_codes")
    set_.add_argument("--note", default=None, help="free text for the record (kept out of marts, logs and reports)")
    set_.add_argument("--by", required=True, help="who made the judgement")
    clear = sub.add_parser("clear", help="withdraw the reviewed category: the rule's stands again")
    clear.add_argument("notification_id")
    clear.add_argument("--by", required=True)
    listing = sub.add_parser("list", help="current reviews, stale ones flagged")
    listing.add_argument("--month", type=iso_month, default=None, help="YYYY-MM of the notification")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.add_argument("--notes", action="store_true", help="show the reviews' notes (your terminal only)")
    sample = sub.add_parser("sample", help="draw footprints per IRO to read for quality")
    sample.add_argument("--month", type=iso_month, required=True)
    sample.add_argument("--per-iro", type=int, required=True)
    sample.add_argument("--seed", type=int, required=True)
    sample.add_argument("--by", default=None)
    grade = sub.add_parser("grade", help="record the quality of a footprint you read")
    grade.add_argument("notification_id")
    grade.add_argument("--quality", required=True, help="one of config/review.yml's quality_grades")
    grade.add_argument("--by", required=True)


def run(args: argparse.Namespace) -> int:
    from footprint.review import actions
    from footprint.review.sample import draw_sample
    from footprint.settings import Settings

    settings = Settings.from_env()
    action = args.review_action
    if action == "set":
        done = actions.set_review(settings, args.notification_id, args.category, args.reason_code,
                                  args.note, args.by)
        print(f"{_name(done)}: reviewed as {args.category} ({args.reason_code}); the rule says "
              f"{done['computed_category']}. Figures follow at the next build.")
    elif action == "clear":
        done = actions.clear_review(settings, args.notification_id, args.by)
        print(f"{_name(done)}: review cleared; the rule's category stands again at the next build.")
    elif action == "list":
        _print_list(actions.list_reviews(settings, args.month, with_notes=args.notes), args.format)
    elif action == "sample":
        drawn = draw_sample(settings, args.month, args.per_iro, args.seed, args.by)
        for row in drawn:
            print(f"{row['notification_id']}\t{row['iro_name'] or row['iro_professional_id']}\t{row['footprint_category']}")
        print(f"{len(drawn)} footprint(s) to read in the case system", file=sys.stderr)
    else:
        done = actions.grade(settings, args.notification_id, args.quality, args.by)
        print(f"{_name(done)}: graded {args.quality}.")
    return 0


def _name(row: dict[str, Any]) -> str:
    return str(row["notification_key"]).replace(":", " ")


def _print_list(reviews: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(reviews, default=str, indent=2, sort_keys=True))
        return
    if not reviews:
        print("no current reviews")
        return
    for r in reviews:
        stale = "  STALE: the rule now says " + str(r["computed_category_now"]) if r["is_stale"] else ""
        note = f"\n    note: {r['note']}" if r.get("note") else ""
        print(f"{_name(r)}  {r['period_month'] or '-'}  {r['iro_name'] or '-'}  reviewed {r['reviewed_category']} "
              f"({r['reason_code']}) by {r['reviewed_by']} at {r['reviewed_at']:%Y-%m-%d %H:%M}; "
              f"rule said {r['computed_category']}{stale}{note}")
