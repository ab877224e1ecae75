{#- A composite grain (no dbt packages here, so no dbt_utils). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grain as (

    select {{ combination_of_columns | join(', ') }}
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from grain

{% endtest %}
