"""Nightly builds equal full rebuilds, night after night, on PostgreSQL (see incremental_case)."""

import pytest

from tests.transform.incremental_case import check_equivalence

pytestmark = [pytest.mark.dbt, pytest.mark.slow, pytest.mark.long]


def test_fifteen_nightly_builds_each_equal_a_full_rebuild_on_postgres(pg_server, tmp_path_factory, request, caplog):
    check_equivalence("postgres", tmp_path_factory, request, caplog)
