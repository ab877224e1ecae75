#!/usr/bin/env bash
# One-off initialisation, idempotent: safe at every deployment.
set -euo pipefail
airflow db migrate
airflow pools set "${FOOTPRINT_WAREHOUSE_POOL:-footprint_warehouse}" 1 \
  "Tasks that write the warehouse run one at a time"
# The warehouse roles are created by its administrator's login (PG* below), never used by tasks.
PGUSER="${WAREHOUSE_ADMIN_USER}" PGPASSWORD="${WAREHOUSE_ADMIN_PASSWORD}" \
  footprint warehouse init
