# SPDX-License-Identifier: GPL-2.0-only
"""Located configuration errors: every message carries FILE:LINE:COL."""


class Problem:
    def __init__(self, line, col, message):
        self.line = line
        self.col = col
        self.message = message

    def format(self, filename):
        return f"{filename}:{self.line}:{self.col}: {self.message}"


class ConfigError(Exception):
    """One or more problems found in one configuration file."""

    def __init__(self, filename, problems):
        self.filename = filename
        self.problems = list(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self):
        return [p.format(self.filename) for p in self.problems]
