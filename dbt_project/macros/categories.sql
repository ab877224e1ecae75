{#- The six footprint categories of the audit rules, best first: the order a
    child takes the best of its notifications' categories in. This is the one
    place dbt spells the list; Python has the same tuple in
    src/footprint/categories.py, and tests/test_categories.py keeps the two
    equal. -#}
{% macro footprint_categories() -%}
    {{- return([
        'timely_footprint',
        'late_footprint',
        'discussed_at_review',
        'discussed_with_child',
        'contact_not_about_missing',
        'no_footprint',
    ]) -}}
{%- endmacro %}

{#- The same six in the order the rules decide a notification's category:
    step 1 a timely footprint; step 2 the earliest record about the episode,
    records at the same moment taken as review, child seen, other note (late);
    step 3 any activity; else nothing. Each is the decision step it belongs to.
    A name that is not one of footprint_categories() fails the compile. -#}
{% macro footprint_decision_order() -%}
    {%- set order = [
        ('timely_footprint', 1),
        ('discussed_at_review', 2),
        ('discussed_with_child', 2),
        ('late_footprint', 2),
        ('contact_not_about_missing', 3),
        ('no_footprint', 4),
    ] -%}
    {%- if (order | map('first') | sort | list) != (footprint_categories() | sort | list) -%}
        {{ exceptions.raise_compiler_error('footprint_decision_order() must hold each of footprint_categories() once') }}
    {%- endif -%}
    {{- return(order) -}}
{%- endmacro %}
