-- Data behind the daily turnover chart: every day in the mart.
SELECT date, turnover_idr, transactions, active_producers FROM marts.daily_turnover ORDER BY date
