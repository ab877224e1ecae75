"""Stage 3, transform: dbt (dbt_project/) applies the audit rules under the criteria."""
