"""A stand-in for dbt's `adapter.dispatch` when sqlfluff lints the models: the
dispatched macros of ../macros/json_fields.sql, rendered as dbt-duckdb renders them."""


def _json_text(column, key):
    return f"json_extract_string(cast({column} as json), '$.{key}')"


def _json_sum_of_values(column):
    return f"list_sum(map_values(json_transform(cast({column} as json), '\"MAP(VARCHAR, BIGINT)\"')))"


_DUCKDB = {"json_text": _json_text, "json_sum_of_values": _json_sum_of_values}


def dispatch(macro_name, macro_namespace=None):
    return _DUCKDB[macro_name]
