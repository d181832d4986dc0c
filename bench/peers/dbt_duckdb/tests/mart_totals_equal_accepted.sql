-- Each day's marts add up to that day's accepted transactions: turnover and count, in both marts.
with accepted as (
    select date, sum(amount_idr)::bigint as turnover_idr, count(*) as transactions
    from {{ ref("transactions") }}
    group by all
),

by_category as (
    select date, sum(turnover_idr)::bigint as turnover_idr, sum(transactions)::bigint as transactions
    from {{ ref("daily_turnover_by_category") }}
    group by all
)

select a.date, a.turnover_idr, a.transactions,
       d.turnover_idr as daily_turnover_idr, d.transactions as daily_transactions,
       c.turnover_idr as by_category_turnover_idr, c.transactions as by_category_transactions
from accepted a
full join {{ ref("daily_turnover") }} d using (date)
full join by_category c using (date)
where a.turnover_idr is distinct from d.turnover_idr or a.transactions is distinct from d.transactions
   or a.turnover_idr is distinct from c.turnover_idr or a.transactions is distinct from c.transactions
