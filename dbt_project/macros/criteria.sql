{#- Helpers that read the audit criteria (config/criteria.yml, passed as
    --vars by `footprint build`). Values that select a branch of the rules
    are checked here, so a typo in the criteria fails the build instead of
    silently measuring something else. -#}

{#- A list of criteria values as a SQL list, for `x in (...)`. An empty list
    matches nothing. -#}
{% macro sql_list(values) -%}
    {%- if values | length == 0 -%}
        (null)
    {%- else -%}
        ({% for value in values %}'{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro criterion_choice(name, allowed) -%}
    {%- set value = var(name) -%}
    {%- if value not in allowed -%}
        {{ exceptions.raise_compiler_error(
            "criteria: " ~ name ~ " must be one of " ~ (allowed | join(', ')) ~ ", not '" ~ value ~ "'") }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{% macro criterion_count(name) -%}
    {%- set value = var(name) -%}
    {%- if value is not number or value < 0 or value != (value | int) -%}
        {{ exceptions.raise_compiler_error("criteria: " ~ name ~ " must be a whole number >= 0") }}
    {%- endif -%}
    {{- return(value | int) -}}
{%- endmacro %}

{#- The time a case note counts from, per footprint_time_field: when it was
    entered (created), or the event date written on it (event, falling back
    to the entry time when the note has none). -#}
{% macro note_counted_time(created_at, event_at) -%}
    {%- set field = criterion_choice('footprint_time_field', ['created', 'event']) -%}
    {%- if field == 'created' -%}
        {{ created_at }}
    {%- else -%}
        coalesce({{ event_at }}, {{ created_at }})
    {%- endif -%}
{%- endmacro %}

{#- Every mart row says which criteria computed it. -#}
{% macro criteria_version() -%}
    cast({{ sql_string(var('criteria_version')) }} as text)
{%- endmacro %}
