{#- The columns of a model that are never NULL, checked in one pass: one
    query per model instead of one per column (on a view, each would work
    the view out again). A failure is a row per column with NULLs: its name
    and how many rows, never a value. Marts declare theirs as not_null
    constraints of the contract instead, which the build itself enforces. -#}
{% test not_null_columns(model, columns) %}

with

counted as (

    select
    {%- for column in columns %}
        count(*) - count({{ column }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}

),

per_column as (

    {%- for column in columns %}
    select '{{ column }}' as column_name, {{ column }} as null_rows from counted
    {{- "\n    union all" if not loop.last }}
    {%- endfor %}

),

final as (

    select * from per_column
    where null_rows > 0

)

select * from final

{% endtest %}
