-- Workers ever allocated as IRO to any child: the only authors whose notes
-- and reviews can count, under either author scope (any_iro means "any of
-- these", allocated_iro "the one allocated to this child").
with

involvements as (

    select * from {{ ref('stg_lcs__involvements') }}

),

final as (

    select distinct professional_id
    from involvements
    where professional_role = {{ sql_string(var('iro_role_description')) }}

)

select * from final
