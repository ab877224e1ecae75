-- Workers ever allocated as IRO to any child: the only authors whose notes
-- and reviews can count, under either author scope (any_iro means "any of
-- these", allocated_iro "the one allocated to this child"), with the name
-- and department the latest professionals snapshot gives them (the marts'
-- labels for an IRO). Read for every child, on a nightly build too: a cover
-- IRO's note counts as an IRO's even when no child in scope is theirs.
with

professional_roles as (

    select * from {{ ref('stg_lcs__professional_roles') }}

),

professionals as (

    select * from {{ ref('stg_lcs__professionals') }}

),

iro_ids as (

    select distinct professional_id
    from professional_roles
    where professional_role = {{ sql_string(var('iro_role_description')) }}

),

final as (

    select
        iro_ids.professional_id,
        professionals.professional_name,
        professionals.department
    from iro_ids
    left join professionals
        on iro_ids.professional_id = professionals.professional_id

)

select * from final
