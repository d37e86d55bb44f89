# SPDX-License-Identifier: GPL-2.0-only
"""Exit statuses of `tess` (documented in docs/cli.md)."""
OK = 0
FAILED = 1
USAGE = 2
INVALID_CONFIG = 3
STORE_UNREACHABLE = 4
INTERRUPTED = 130


class Failure(Exception):
    """Ends the command with exit status CODE and MESSAGE on stderr (None:
    the command has already said why)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
