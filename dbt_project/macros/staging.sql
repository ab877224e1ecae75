{#- The two rules every stg_lcs__ model reads its raw file by. -#}

{#- The rows of a raw file from the nights the quality gate accepted
    (base_pipeline__accepted_nights): a rejected or not yet gated night stays
    in raw, unread. A snapshot file is the whole truth on the latest accepted
    night alone, so with latest_night_only an older night's rows are dropped
    and a record absent from the latest file is gone. scope_by (key column,
    child column) lets a nightly build read only the children in its scope
    (macros/build_scope.sql); scope_by_record (the key column) reads only the
    records the build's new nights changed instead; scope_through reads the
    records linked to a scoped child's record of another file (a notification
    through its episode). -#}
{% macro accepted_rows(source_relation, latest_night_only=false, scope_by=none, scope_by_record=none,
    scope_through=none) -%}
    select source_rows.*
    from {{ source_relation }} as source_rows
    inner join {{ ref('base_pipeline__accepted_nights') }} as accepted_nights
        on source_rows._extract_date = accepted_nights.extract_date
    where {% if latest_night_only %}accepted_nights.is_latest_night{% else %}true{% endif %}
    {%- if scope_by is not none and is_scoped_build() %}
    {{- scope_rows(source_relation, scope_by[0], scope_by[1], latest_night_only) }}
    {%- elif scope_by_record is not none and is_scoped_build() %}
    and {{ rows_with(source_relation, scope_by_record, build_scope_records()) }}
    {%- elif scope_through is not none and is_scoped_build() %}
    {{- scope_rows_through(source_relation, scope_through) }}
    {%- endif %}
{%- endmacro %}

{#- The condition that a raw row (source_rows) has its `column` among the
    ids of the query `ids`. DuckDB would read every column of every raw row to
    keep the few a nightly build wants (the note text of years of nights): it
    matches the one column first, then fetches the rows it kept by rowid
    (a fifth of the time on England's case notes). A unit test's fixture has
    no rowid: there the column is matched directly. -#}
{% macro rows_with(source_relation, column, ids) -%}
    {{- return(adapter.dispatch('rows_with', 'footprint')(source_relation, column, ids)) -}}
{%- endmacro %}

{% macro default__rows_with(source_relation, column, ids) -%}
    source_rows.{{ column }} in ({{ ids }})
{%- endmacro %}

{% macro duckdb__rows_with(source_relation, column, ids) -%}
    {%- if '__dbt__cte__' in (source_relation | string) -%}
        {{ default__rows_with(source_relation, column, ids) }}
    {%- else -%}
        source_rows.rowid in (
            select picked.rowid from {{ source_relation }} as picked
            where picked.{{ column }} in ({{ ids }})
        )
    {%- endif -%}
{%- endmacro %}

{#- An event file repeats a record on every night that carries it. This
    window expression is 1 for the row that wins in each partition_by group
    (a column or a list of columns): the latest modified_at; a tie goes to
    the later night, then to the later row of that night's file. Expects the
    typed columns modified_at, extract_date and source_row. Partitioning by
    modified_at as well ranks the copies of one version instead: the later
    night's copy wins. -#}
{% macro latest_version_rank(partition_by) -%}
    {%- set columns = [partition_by] if partition_by is string else partition_by -%}
    row_number() over (
        partition by {{ columns | join(', ') }}
        order by modified_at desc, extract_date desc, source_row desc
    )
{%- endmacro %}

{#- The columns every event file carries beside its own, typed: which version
    a row is (modified_at, is_deleted) and which copy (the night and the row
    of that night's file), as latest_version_rank needs them. -#}
{% macro event_file_columns() -%}
    {{ parse_timestamp('modified_at') }} as modified_at,
    {{ parse_flag('is_deleted') }} as is_deleted,
    _extract_date as extract_date,
    _source_row as source_row
{%- endmacro %}
