"""`python -m pipelines.cli`: the `sentra` command."""

from pipelines.cli.main import entry

entry()
