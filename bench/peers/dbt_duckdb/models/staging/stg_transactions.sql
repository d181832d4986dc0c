-- One day's transactions file as received (SENTRA_PEER_TRANSACTIONS): every field read as text, typed with
-- try_cast, checked rule by rule (`_reasons`, null when the row passes), with its line and a row hash.
-- `_latest_line`: the last passing line of the row's (producer_id, transaction_id), which supersedes the others.
with received as (
    select *, row_number() over () + 1 as _line  -- the file's line: 1 is the header
    from read_csv('{{ env_var("SENTRA_PEER_TRANSACTIONS") | replace("'", "''") }}', header = true, all_varchar = true)
),

typed as (
    select
        nullif(trim(transaction_id), '') as transaction_id,
        nullif(trim(producer_id), '') as producer_id,
        try_cast(occurred_at as timestamp) as occurred_at,  -- Asia/Jakarta local time (no offset in the file)
        {{ whole_number("amount_idr") }} as amount_idr,
        {{ whole_number("quantity") }} as quantity,
        nullif(lower(trim(category)), '') as category,
        nullif(lower(trim(channel)), '') as channel,
        nullif(trim(occurred_at), '') is null as _occurred_at_missing,
        nullif(trim(amount_idr), '') is null as _amount_missing,
        nullif(trim(quantity), '') is null as _quantity_missing,
        _line,
        {{ row_hash(["transaction_id", "producer_id", "occurred_at", "amount_idr", "quantity", "category", "channel"]) }} as _row_hash
    from received
),

checked as (
    select
        t.transaction_id,
        t.producer_id,
        t.occurred_at,
        t.occurred_at::date as local_date,
        t.amount_idr,
        t.quantity,
        coalesce(t.category, p.category) as category,  -- empty: the producer's category
        t.channel,
        p.kecamatan,
        t._line,
        t._row_hash,
        nullif(concat_ws('; ',
            case when t.transaction_id is null then 'transaction_id missing' end,
            case
                when t.producer_id is null then 'producer_id missing'
                when not regexp_full_match(t.producer_id, '[A-Za-z0-9_.\-]{1,40}') then 'producer_id malformed'
                when p.producer_id is null then 'producer not in the registry'
            end,
            case
                when t._occurred_at_missing then 'occurred_at missing'
                when t.occurred_at is null then 'occurred_at unparseable'
            end,
            case
                when t._amount_missing then 'amount_idr missing'
                when t.amount_idr is null then 'amount_idr unparseable'
                when t.amount_idr <= 0 then 'amount_idr not positive'
            end,
            case
                when t._quantity_missing then 'quantity missing'
                when t.quantity is null then 'quantity unparseable'
                when t.quantity < 1 then 'quantity below 1'
            end,
            case
                when t.category is not null and t.category not in {{ in_list(var("categories")) }}
                    then 'category unknown'
            end,
            case
                when t.channel is null then 'channel missing'
                when t.channel not in {{ in_list(var("channels")) }} then 'channel unknown'
            end
        ), '') as _reasons
    from typed t
    left join {{ ref("stg_producers") }} p on p.producer_id = t.producer_id
)

select
    *,
    max(_line) filter (where _reasons is null) over (partition by producer_id, transaction_id) as _latest_line
from checked
