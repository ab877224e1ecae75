{#- Whole seconds from `start_at` to `end_at`, wall clock (the spec accepts
    the hour's error across a clock change). -#}
{% macro seconds_between(start_at, end_at) -%}
    cast({{ dbt.datediff(start_at, end_at, 'second') }} as bigint)
{%- endmacro %}

{#- Seconds as hours to two decimals, rounded half up. The rounding goes
    through floor() of an exact quotient so DuckDB (double arithmetic) and
    PostgreSQL (numeric arithmetic) give the same digits. -#}
{% macro hours_from_seconds(seconds) -%}
    cast(floor(({{ seconds }}) * 100 / 3600.0 + 0.5) / 100 as numeric(12, 2))
{%- endmacro %}

{#- Median of a numeric(12,2) column, to two decimals. percentile_cont runs
    on both engines; feeding it hundredths keeps its interpolation at whole
    or half units, so both round it the same way. -#}
{% macro median_hours(column) -%}
    cast(
        floor(percentile_cont(0.5) within group (order by cast({{ column }} * 100 as double precision)) + 0.5)
        / 100
        as numeric(12, 2)
    )
{%- endmacro %}

{#- numerator / denominator to four decimals, NULL when nothing to divide by. -#}
{% macro ratio(numerator, denominator) -%}
    case
        when ({{ denominator }}) > 0
            then cast(floor(({{ numerator }}) * 10000.0 / ({{ denominator }}) + 0.5) / 10000 as numeric(7, 4))
    end
{%- endmacro %}

{#- Age in whole years on a date: a birthday counts from its own day. -#}
{% macro age_in_years(birth_date, on_date) -%}
    cast(
        extract(year from {{ on_date }}) - extract(year from {{ birth_date }})
        - case
            when extract(month from {{ on_date }}) * 100 + extract(day from {{ on_date }})
                < extract(month from {{ birth_date }}) * 100 + extract(day from {{ birth_date }})
                then 1
            else 0
        end
        as integer
    )
{%- endmacro %}

{#- Midnight at the start of a date, as a timestamp. -#}
{% macro start_of_day(date_expression) -%}
    cast(cast({{ date_expression }} as date) as timestamp)
{%- endmacro %}

{#- First day of the month of a date or timestamp, as a date. -#}
{% macro month_of(expression) -%}
    cast({{ dbt.date_trunc('month', expression) }} as date)
{%- endmacro %}
