-- Accepted transactions, one row per (producer_id, transaction_id): a day's file replaces the keys it carries.
{{ config(
    materialized = "incremental",
    unique_key = ["producer_id", "transaction_id"],
    incremental_strategy = "delete+insert",
    on_schema_change = "fail",
) }}
select
    local_date as date,
    transaction_id,
    producer_id,
    occurred_at as occurred_at_local,
    occurred_at - interval 7 hour as occurred_at_utc,  -- WIB is UTC+7 all year
    amount_idr,
    quantity,
    category,
    channel,
    kecamatan,
    '{{ env_var("SENTRA_PEER_TRANSACTIONS") | replace("'", "''") }}' as _file,
    _line,
    _row_hash,
    '{{ invocation_id }}' as _invocation_id
from {{ ref("stg_transactions") }}
where _reasons is null and _line = _latest_line
