# SPDX-License-Identifier: GPL-2.0-only
"""Comma-separated item splitting shared by the disk and vif spec parsers."""


class SpecError(Exception):
    """A problem at character OFFSET of a spec string."""

    def __init__(self, offset, message):
        super().__init__(message)
        self.offset = offset
        self.message = message


def items(text, stop_key=None):
    """Yield (offset, key or None, value) for each comma-separated item.

    Leading whitespace of an item is skipped. When STOP_KEY is given, an item
    `STOP_KEY=...` takes the whole rest of the string, commas included.
    """
    pos = 0
    n = len(text)
    while pos <= n:
        while pos < n and text[pos] in " \t":
            pos += 1
        if stop_key and text.startswith(stop_key + "=", pos):
            start = pos + len(stop_key) + 1
            yield pos, stop_key, text[start:]
            return
        end = text.find(",", pos)
        if end < 0:
            end = n
        item = text[pos:end]
        if "=" in item:
            k, v = item.split("=", 1)
            yield pos, k.strip(), v
        else:
            yield pos, None, item.rstrip()
        pos = end + 1
