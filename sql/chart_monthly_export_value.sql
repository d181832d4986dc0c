-- Data behind the monthly export value chart: every month, by commodity.
SELECT month, commodity, export_value_idr, export_value_usd, items, exporters
FROM marts.monthly_export_value_by_commodity
ORDER BY month, commodity
