-- The rows that are not accepted, as received and typed as far as they go, each with its reasons.
select
    coalesce(_reasons, 'duplicate: superseded by line ' || _latest_line) as reason,
    * exclude (_reasons, _latest_line)
from {{ ref("stg_transactions") }}
where _reasons is not null or _line <> _latest_line
