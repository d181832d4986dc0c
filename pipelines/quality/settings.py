"""Quality thresholds: one resource, configurable per deployment (Dagster resource config or SENTRA_QUALITY)."""

import dagster as dg

from pipelines.core.config import settings_from_env

# kg per unit of quantity that an export item may plausibly weigh, per commodity: below or above is
# a likely typo in the declaration (e.g. a fish declared at 50 kg a tail).
DEFAULT_WEIGHT_BOUNDS: dict[str, list[float]] = {
    "ikan_hias": [0.001, 5.0],
    "boneka": [0.01, 10.0],
    "lainnya": [0.0001, 2000.0],
}


class QualitySettings(dg.ConfigurableResource):
    """Thresholds for the quality checks. Defaults suit Kota Bekasi; change them in the resource config."""

    amount_ceiling_idr: int = 1_000_000_000  # one sale above Rp1 miliar is almost surely a typo
    # The publication gate (docs/CHECKS.md): a period beyond these is held, not published.
    max_quarantine_share: float = 0.10  # more of a period's rows than this in quarantine (demo: at most 4.4 %)
    min_daily_coverage_to_publish: float = 0.10  # fewer registered producers reporting on a day (Lebaran: ~27 %)
    min_monthly_exporter_coverage_to_publish: float = 0.25  # fewer registered exporters with an item in a month
    # Warnings only: a quieter period than this is published, and flagged in the quality report.
    min_daily_coverage: float = 0.3  # share of registered producers reporting on a day
    min_monthly_exporter_coverage: float = 0.5  # share of registered exporters with an item in a month
    max_fx_gap_days: int = 10  # calendar days between rates; Lebaran holidays make gaps of about a week
    weight_bounds_kg: dict[str, list[float]] = DEFAULT_WEIGHT_BOUNDS
    # Days a run's quality report (internal/quality/runs/<run id>/) is kept; a run that published something
    # keeps its report for good. 0 keeps every report. Read from SENTRA_QUALITY when the report is written.
    report_retention_days: int = 90
    # A day's sales against the mean of the same weekday in the 4 weeks before: outside this band a file is
    # likely missing or loaded twice (Lebaran and year-end weeks warn too, as they should be looked at).
    volume_low: float = 0.5
    volume_high: float = 2.0
    amount_scale_factor: float = 50.0  # a producer's median sale vs its usual: beyond it, likely another unit
    silent_producer_days: int = 30  # a producer who sold before and not for this many days is reported


def from_environment() -> QualitySettings:
    """Defaults overridden by the JSON object in SENTRA_QUALITY, e.g. '{"max_quarantine_share": 0.1}'."""
    return settings_from_env(QualitySettings, "SENTRA_QUALITY")
