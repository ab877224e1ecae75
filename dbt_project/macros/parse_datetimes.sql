{#- The contract allows ISO (`YYYY-MM-DD[ HH:MM[:SS]]`, also with a `T`) and
    UK (`DD/MM/YYYY[ HH:MM[:SS]]`) spellings. Rewriting UK to ISO with
    split_part/lpad rather than a regular expression keeps the result
    identical on DuckDB and PostgreSQL; both then cast ISO text the same way.
    The quality gate has already rejected values that do not parse. -#}
{% macro iso_datetime_text(column) -%}
    case
        when strpos(trim({{ column }}), '/') > 0
            then
                substr(split_part(trim({{ column }}), '/', 3), 1, 4)
                || '-' || lpad(split_part(trim({{ column }}), '/', 2), 2, '0')
                || '-' || lpad(split_part(trim({{ column }}), '/', 1), 2, '0')
                || substr(split_part(trim({{ column }}), '/', 3), 5)
        else replace(trim({{ column }}), 'T', ' ')
    end
{%- endmacro %}

{#- Timestamps stay naive Europe/London wall clock, as the extract writes them. -#}
{% macro parse_timestamp(column) -%}
    cast(nullif({{ iso_datetime_text(column) }}, '') as timestamp)
{%- endmacro %}

{#- Going through timestamp accepts a date column that carries a midnight time. -#}
{% macro parse_date(column) -%}
    cast(cast(nullif({{ iso_datetime_text(column) }}, '') as timestamp) as date)
{%- endmacro %}

{#- Flags are `Y`/`N`; empty means no. -#}
{% macro parse_flag(column) -%}
    (coalesce(upper(trim({{ column }})), 'N') = 'Y')
{%- endmacro %}

{#- Identifiers are strings (leading zeros matter), never cast to numbers,
    and kept exactly as extracted: the loader keys child pseudonyms on the
    raw value, so an id must not change on its way through. -#}
{% macro parse_id(column) -%}
    cast(nullif({{ column }}, '') as text)
{%- endmacro %}

{% macro parse_text(column) -%}
    cast(nullif(trim({{ column }}), '') as text)
{%- endmacro %}
