-- The first and newest day and month in the marts: the span the charts can show.
SELECT (SELECT min(date) FROM marts.daily_turnover) AS first_day,
       (SELECT max(date) FROM marts.daily_turnover) AS last_day,
       (SELECT min(month) FROM marts.monthly_export_value) AS first_month,
       (SELECT max(month) FROM marts.monthly_export_value) AS last_month
