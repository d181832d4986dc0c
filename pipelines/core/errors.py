"""Exit codes and the user-error type, shared by the CLI and what it runs (so neither imports the other)."""

# 1 a run failed; 2 bad arguments or input as a whole; 3 files rejected (the rest went on); 4 periods held by the
# publication gate (not published, previous figures kept). When several apply, the lowest number but 2 wins: 1, 4, 3.
EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED_FILES, EXIT_HELD = 1, 2, 3, 4


class UserError(Exception):
    """A problem with the user's input: printed as one line, no traceback."""


class WarehouseLockedError(Exception):
    """Another process holds the warehouse file: every command says so in one line (`pipelines.cli.main`)."""
