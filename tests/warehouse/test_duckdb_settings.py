"""FOOTPRINT_DUCKDB_MEMORY_LIMIT and FOOTPRINT_DUCKDB_THREADS reach every DuckDB connection, dbt's too."""

from __future__ import annotations

import pytest

from footprint.settings import Settings

pytestmark = pytest.mark.dbt


def test_the_memory_limit_and_threads_reach_the_pipelines_connections_and_dbts(tmp_path, monkeypatch):
    from footprint.transform.dbt_runner import run_dbt
    from footprint.warehouse import connect, fetch_value

    env = {"FOOTPRINT_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"), "FOOTPRINT_DUCKDB_MEMORY_LIMIT": "1GB",
           "FOOTPRINT_DUCKDB_THREADS": "1"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings.from_env()
    with connect(settings) as conn:
        assert fetch_value(conn, "select current_setting('threads')") == 1
        limit = fetch_value(conn, "select current_setting('memory_limit')")
    assert limit.endswith("MiB") and 900 < float(limit.split()[0]) <= 1024, limit
    shown = run_dbt(["show", "--inline", "select current_setting('memory_limit') as m, "
                     "current_setting('threads') as t", "--output", "json"], settings)
    row = shown.result.results[0].agate_table.rows[0]
    assert (row[0], int(row[1])) == (limit, 1)


@pytest.mark.parametrize(("name", "value"), [("FOOTPRINT_DUCKDB_MEMORY_LIMIT", "lots"),
                                             ("FOOTPRINT_DUCKDB_MEMORY_LIMIT", "8"),
                                             ("FOOTPRINT_DUCKDB_THREADS", "0"),
                                             ("FOOTPRINT_DUCKDB_THREADS", "two")])
def test_a_bad_setting_is_refused_by_name(name, value):
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})


def test_unset_the_defaults_are_duckdbs_own():
    settings = Settings.from_env({})
    assert settings.duckdb_config["memory_limit"] == "80%"
    assert int(settings.duckdb_config["threads"]) >= 1
