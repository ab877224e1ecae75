{#- Layers land in schemas named exactly as configured (staging,
    intermediate, marts_build, seeds): the publish step and the warehouse
    roles address them by those names, so dbt's default <target>_<custom>
    prefixing must not apply. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
