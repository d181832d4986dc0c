-- The newest day and month in the marts: the end of what the charts show.
SELECT (SELECT max(date) FROM marts.daily_turnover) AS last_day,
       (SELECT max(month) FROM marts.monthly_export_value) AS last_month
