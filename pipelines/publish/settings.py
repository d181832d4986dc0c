"""Publishing settings: the confidentiality thresholds, configurable per deployment (resource config or
SENTRA_PUBLISH, e.g. '{"min_producers": 5}')."""

import dagster as dg

from pipelines.core.config import settings_from_env
from pipelines.publish.disclosure import Rule


class PublishSettings(dg.ConfigurableResource):
    """A published cell needs at least `min_producers`, none of them above `max_share` of its value."""

    min_producers: int = 3
    max_share: float = 0.85

    def rule(self) -> Rule:
        return Rule(self.min_producers, self.max_share)


def from_environment() -> PublishSettings:
    return settings_from_env(PublishSettings, "SENTRA_PUBLISH")
