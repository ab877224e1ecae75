{#- A nightly build rebuilds only the children the night can have changed
    (footprint.transform.incremental writes them to the source
    build.build_scope and sets the var build_scope to 'children'); a full
    build ('all', the default) reads everything. Every rule is worked out
    per child: the measured episode says whose notification it is, and a
    record joins a notification through that child. -#}

{% macro is_scoped_build() -%}
    {{- return(var('build_scope', 'all') == 'children') -}}
{%- endmacro %}

{% macro build_scope_children() -%}
    select person_id from {{ source('build', 'build_scope') }}
{%- endmacro %}

{#- For accepted_rows: the rows of every record (all its versions) that a
    child in scope ever had a version of, so the latest version is still
    chosen among all of them. Snapshot files have one row per record: the
    child of the row decides. -#}
{% macro scope_rows(source_relation, key_column, person_column, latest_night_only) -%}
    {%- if latest_night_only %}
    and {{ parse_id('source_rows.' ~ person_column) }} in ({{ build_scope_children() }})
    {%- else %}
    and source_rows.{{ key_column }} in (
        select scoped.{{ key_column }}
        from {{ source_relation }} as scoped
        where {{ parse_id('scoped.' ~ person_column) }} in ({{ build_scope_children() }})
    )
    {%- endif %}
{%- endmacro %}

{#- A condition on a deduplicated record: its latest version's child is in
    scope (always true in a full build). -#}
{% macro in_build_scope(person_id) -%}
    {%- if is_scoped_build() -%}
        {{ person_id }} in ({{ build_scope_children() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of the per-notification models that accumulate across nights:
    before the children in scope are inserted again, their rows go, so a
    deleted notification or a note no longer about it leaves no trace. -#}
{% macro delete_build_scope_rows() -%}
    {%- if is_incremental() and is_scoped_build() -%}
        delete from {{ this }} where person_id in ({{ build_scope_children() }})
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}
