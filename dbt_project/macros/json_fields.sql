{#- Reading the pipeline's own JSON bookkeeping (raw.extract_nights), the same
    way on both engines. The columns are text holding a JSON object; a missing
    key, or a NULL column, gives NULL. -#}

{#- The value of a top-level key as text: a JSON string unquoted, a number or
    a boolean as written ('3', 'true'). -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'footprint')(column, key)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    json_extract_string(cast({{ column }} as json), '$.{{ key }}')
{%- endmacro %}

{% macro postgres__json_text(column, key) -%}
    (cast({{ column }} as json) ->> '{{ key }}')
{%- endmacro %}

{#- The sum of the values of a JSON object of whole numbers, such as the
    rows per file of a night ({"case_notes.csv": 412, ...}), as bigint. -#}
{% macro json_sum_of_values(column) -%}
    {{ return(adapter.dispatch('json_sum_of_values', 'footprint')(column)) }}
{%- endmacro %}

{% macro duckdb__json_sum_of_values(column) -%}
    list_sum(map_values(json_transform(cast({{ column }} as json), '"MAP(VARCHAR, BIGINT)"')))
{%- endmacro %}

{% macro postgres__json_sum_of_values(column) -%}
    (select sum(cast(counts.value as bigint)) from json_each_text(cast({{ column }} as json)) as counts)
{%- endmacro %}
