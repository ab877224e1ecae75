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

{#- The records (case notes) of which the build's new nights hold a changed
    row (footprint.transform.incremental): a model that accumulates per record
    works out these again, and only these. -#}
{% macro build_scope_records() -%}
    select record_id from {{ source('build', 'build_scope_records') }}
{%- endmacro %}

{#- For accepted_rows: the rows of every record (all its versions) that a
    child in scope ever had a version of, so the latest version is still
    chosen among all of them. Snapshot files have one row per record: the
    child of the row decides. -#}
{% macro scope_rows(source_relation, key_column, person_column, latest_night_only) -%}
    {%- if latest_night_only %}
    and {{ parse_id('source_rows.' ~ person_column) }} in ({{ build_scope_children() }})
    {%- else %}
    and {{ records_where(source_relation, key_column,
        parse_id('scoped.' ~ person_column) ~ ' in (' ~ build_scope_children() ~ ')') }}
    {%- endif %}
{%- endmacro %}

{#- For accepted_rows: the rows of every record (all its versions) of which
    any version links (`link`) to a record of another file (`relation`, its
    key `linked_key`) that a child in scope ever had a version of (its child
    column `linked_person`). A notification says whose it is through its
    episode: a nightly build reads the notifications of the scoped children's
    episodes, and a notification moved between episodes has its every version
    read whichever one the child's episode had. -#}
{% macro scope_rows_through(source_relation, through) -%}
    {%- set linked_records -%}
        select {{ parse_id('linked.' ~ through.linked_key) }} from {{ through.relation }} as linked
        where {{ parse_id('linked.' ~ through.linked_person) }} in ({{ build_scope_children() }})
    {%- endset %}
    and {{ records_where(source_relation, through.key,
        parse_id('scoped.' ~ through.link) ~ ' in (' ~ linked_records ~ ')') }}
{%- endmacro %}

{#- The condition that a raw row (source_rows) belongs to a record (its key
    `key_column`) of which any row (`scoped`) meets `condition`: every version
    of such a record is read. -#}
{% macro records_where(source_relation, key_column, condition) -%}
    {{- rows_with(source_relation, key_column,
        'select scoped.' ~ key_column ~ ' from ' ~ source_relation ~ ' as scoped where ' ~ condition) -}}
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

{#- Pre-hook of the models that accumulate across nights: before the
    children in scope (or, per record, the records the new nights changed)
    are inserted again, their rows go, so a deleted notification, a note no
    longer about it, or an IRO's note an author correction made another's,
    leaves no trace. An incremental build that is not scoped (dbt run by hand,
    without --full-refresh) inserts everything again: every row goes. -#}
{% macro delete_build_scope_rows(key_column='person_id', scope='children') -%}
    {%- if is_incremental() and is_scoped_build() -%}
        delete from {{ this }} where {{ key_column }} in (
            {{ build_scope_records() if scope == 'records' else build_scope_children() }}
        )
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of a mart that copies an accumulating model: the mart keeps its other rows, so
    what goes is the rows of the children in scope and any row whose key the accumulating model
    no longer has (a record of another child deleted, or moved to a child in scope). A build
    into an existing mart that is not scoped replaces every row. -#}
{% macro delete_replaced_mart_rows(accumulator, key_column) -%}
    {%- if is_incremental() and is_scoped_build() -%}
        delete from {{ this }}
        where {{ key_column }} in (
            select {{ key_column }} from {{ accumulator }}
            where person_id in ({{ build_scope_children() }})
        )
        or {{ key_column }} not in (select {{ key_column }} from {{ accumulator }})
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of the same marts: every row kept from an earlier night shows tonight's "now". -#}
{% macro move_mart_as_of(now_relation) -%}
    {%- if is_incremental() -%}
        update {{ this }} set as_of = (select cast(now.as_of as timestamp) from {{ now_relation }} as now)
    {%- else -%}
        select 1 as nothing_to_update
    {%- endif -%}
{%- endmacro %}
