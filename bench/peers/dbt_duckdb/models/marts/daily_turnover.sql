{{ config(materialized = "incremental", unique_key = "date", incremental_strategy = "delete+insert") }}
select
    date,
    sum(amount_idr)::bigint as turnover_idr,
    count(*) as transactions,
    count(distinct producer_id) as active_producers
from {{ ref("transactions") }}
{{ loaded_dates() }}
group by all
