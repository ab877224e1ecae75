{#- For single-row models such as the pipeline's "now". -#}
{% test at_most_one_row(model) %}

with

counted as (

    select count(*) as row_count from {{ model }}

)

select * from counted
where row_count > 1

{% endtest %}
