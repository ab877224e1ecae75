{#- The compliance figures of one group of fct_missing_notifications rows, as
    aggregate select items. The per-IRO and the service marts both use it, so
    "the same figures" are defined once: counts per category and the states
    over notified rows only, never-notified episodes apart, and the median
    working hours to footprint over timely and late footprints. Categories are
    fct_missing_notifications' footprint_category (a review where there is
    one); `reviewed` counts the notifications a review decided, so a reader
    sees how much judgement went in. One column
    per category, in footprint_categories() order. -#}
{% macro compliance_figures() -%}
    {%- for category in footprint_categories() %}
        sum(case when is_notified and footprint_category = '{{ category }}' then 1 else 0 end) as {{ category }},
    {%- endfor %}
        sum(case when is_notified and is_awaiting_footprint then 1 else 0 end) as awaiting_footprint,
        sum(case when is_notified and is_overdue then 1 else 0 end) as overdue,
        sum(case when not is_notified then 1 else 0 end) as not_notified,
        sum(case when is_notified and is_reviewed then 1 else 0 end) as reviewed,
        {{ median_hours(
            "case when is_notified and footprint_category in ('timely_footprint', 'late_footprint')"
            ~ " then working_hours_to_footprint end"
        ) }} as median_working_hours_to_footprint
{%- endmacro %}
