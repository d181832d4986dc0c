"""Exit codes and the user-error type, shared by the CLI and what it runs (so neither imports the other)."""

EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED_FILES = 1, 2, 3


class UserError(Exception):
    """A problem with the user's input: printed as one line, no traceback."""
