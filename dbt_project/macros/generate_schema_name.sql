{#- Layers land in schemas named exactly as configured (staging,
    intermediate, marts_build, seeds): the publish step and the warehouse
    roles address them by those names, so dbt's default <target>_<custom>
    prefixing must not apply. `footprint criteria compare` builds a second
    set beside them on PostgreSQL, every schema prefixed by the var
    schema_prefix (compare_staging, ...), so the live ones stay untouched. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ var('schema_prefix', '') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
