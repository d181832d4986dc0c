-- Daily totals (transactions, active producers) of the days in [first, last] and [first2, last2].
SELECT date, transactions, active_producers
FROM marts.daily_turnover
WHERE date BETWEEN ? AND ? OR date BETWEEN ? AND ?
