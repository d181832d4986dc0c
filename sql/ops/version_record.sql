-- A new version's entries in meta.partition_versions: one per period it writes (held periods are not
-- written), with the rows it holds there. Only the range's rows of $versions are counted, so the cost does
-- not grow with history. Parameters: table name, version, run id, periods, version, start, end.
INSERT INTO meta.partition_versions
SELECT ?, p.period, ?, coalesce(n.rows, 0), ?, timezone('UTC', now())
FROM (SELECT unnest(?::DATE[]) AS period) p
LEFT JOIN (
    SELECT $col AS period, count(*) AS rows FROM $versions WHERE _version = ? AND $col >= ? AND $col < ? GROUP BY 1
) n USING (period)
