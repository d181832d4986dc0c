-- The producer registry as received (SENTRA_PEER_PRODUCERS), every field typed; the last line of a
-- producer wins.
with received as (
    select *, row_number() over () + 1 as _line  -- the file's line: 1 is the header
    from read_csv('{{ env_var("SENTRA_PEER_PRODUCERS") | replace("'", "''") }}', header = true, all_varchar = true)
)
select
    nullif(trim(producer_id), '') as producer_id,
    nullif(trim(name), '') as name,
    nullif(trim(nib), '') as nib,
    nullif(trim(kecamatan), '') as kecamatan,
    nullif(trim(kelurahan), '') as kelurahan,
    nullif(lower(trim(category)), '') as category,
    nullif(trim(kbli), '') as kbli,
    try_cast(registered_on as date) as registered_on,
    case
        when lower(trim(exporter)) in ('true', 'ya', '1') then true
        when lower(trim(exporter)) in ('false', 'tidak', '0') then false
    end as exporter,
    _line,
    {{ row_hash(["producer_id", "name", "nib", "kecamatan", "kelurahan", "category", "kbli", "registered_on", "exporter"]) }} as _row_hash
from received
where nullif(trim(producer_id), '') is not null
qualify row_number() over (partition by trim(producer_id) order by _line desc) = 1
