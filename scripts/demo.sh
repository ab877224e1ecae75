#!/usr/bin/env bash
# make demo: generate a realistic 'la' extract (an initial load and two nights), run the
# nightly DAG on each night with `footprint airflow dags test` (embedded default: SQLite metadata,
# DuckDB warehouse, no server), then show what was loaded and what the audit found, and where
# the report the DAG rendered is.
set -euo pipefail
demo_dir="$(realpath -m "${1:-demo}")"
start="${2:-2022-03-01}"
bin="$(pwd)/.venv/bin"

export FOOTPRINT_LANDING_DIR="$demo_dir/landing"
export FOOTPRINT_DUCKDB_PATH="$demo_dir/warehouse.duckdb"
export FOOTPRINT_MARTS_PATH="$demo_dir/marts.duckdb"
export FOOTPRINT_REPORTS_DIR="$demo_dir/reports"
export FOOTPRINT_PSEUDONYM_KEY_FILE="$demo_dir/pseudonym.key"
export FOOTPRINT_TASK_RETRIES=0

rm -rf "$demo_dir"
mkdir -p "$demo_dir/logs"
echo "== Generating an 'la' extract (about 750 children looked after) into $FOOTPRINT_LANDING_DIR"
"$bin/footprint" generate --out "$FOOTPRINT_LANDING_DIR" --preset la --start "$start" --nights 2 --seed 1

for night_dir in "$FOOTPRINT_LANDING_DIR"/*/; do
  night="$(basename "$night_dir")"
  log="$demo_dir/logs/dag-$night.log"
  printf '== footprint airflow dags test missing_footprint_nightly %s … ' "$night"
  started=$SECONDS
  if "$bin/footprint" airflow dags test missing_footprint_nightly "$night" > "$log" 2>&1; then
    echo "success ($((SECONDS - started)) s; log: $log)"
  else
    echo "FAILED; the end of $log:"
    grep -v "Skipping registering" "$log" | tail -40
    exit 1
  fi
done

echo
"$bin/footprint" show
echo
first_night="$(ls "$FOOTPRINT_LANDING_DIR" | head -1)"
last_night="$(ls "$FOOTPRINT_LANDING_DIR" | tail -1)"
# The last complete month: the nights' own month has only days in it.
month="$(date -d "$(date -d "$last_night" +%Y-%m-01) -1 month" +%Y-%m)"
echo "== Per-IRO compliance, $month (footprint compliance --month $month)"
"$bin/footprint" compliance --month "$month"
echo
period_start="$(date -d "$first_night -1 year" +%F)"
echo "== Audit snapshot, $period_start to $last_night"
"$bin/footprint" audit --from "$period_start" --to "$last_night"
echo
echo "Published marts (open read-only in any BI tool): $FOOTPRINT_MARTS_PATH"
echo
echo "== Health (footprint status; the demo's data is from $last_night, so it reads as stale today)"
"$bin/footprint" status || true
echo
# The DAG's render_report task wrote the report for the defaults into reports/latest/; the
# suppressed edition (for audiences beyond the IRO service) is written beside it.
"$bin/footprint" report --out "$demo_dir/report-suppressed" --suppress > /dev/null
echo "== The audit report (the DAG's render_report task; open in any browser, offline)"
echo "   IRO service edition:  $FOOTPRINT_REPORTS_DIR/latest/index.html"
echo "   learning packs:       $FOOTPRINT_REPORTS_DIR/latest/iro/"
echo "   workbook:             $FOOTPRINT_REPORTS_DIR/latest/footprint.xlsx"
echo "   suppressed edition:   $demo_dir/report-suppressed/index.html"
