#!/usr/bin/env bash
# Container entry point: the same commands the tests run without Docker.
#   init            migrate Airflow's metadata, create the warehouse pool, warehouse roles and grants
#   anything else   exec'd as given (airflow scheduler, airflow api-server, footprint …)
set -euo pipefail
cd "${FOOTPRINT_HOME:-/opt/footprint}"
if [ "${1:-}" = "init" ]; then
  exec bash deploy/init.sh
fi
exec "$@"
