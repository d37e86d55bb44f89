# SPDX-License-Identifier: GPL-2.0-only
"""Tokenizer for xl.cfg(5) syntax. Lines and columns count from 1."""
from dataclasses import dataclass

ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "r": "\r"}
PUNCT = "=[],;"


@dataclass
class Token:
    kind: str      # NAME, STRING, NUMBER, NL, EOF, or one of PUNCT
    value: object
    line: int
    col: int


class XlSyntaxError(Exception):
    """A syntax error at LINE:COL (raised by the lexer and the parser)."""

    def __init__(self, line, col, message):
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


def _is_name_start(c):
    return c.isascii() and (c.isalpha() or c == "_")


def _is_name(c):
    return c.isascii() and (c.isalnum() or c in "_.-")


def tokenize(text):
    line, col, i, n = 1, 1, 0, len(text)
    out = []
    while i < n:
        c = text[i]
        if c == "\n":
            out.append(Token("NL", None, line, col))
            line, col, i = line + 1, 1, i + 1
        elif c in " \t\r":
            i, col = i + 1, col + 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i, col = i + 1, col + 1
        elif c in PUNCT:
            out.append(Token(c, c, line, col))
            i, col = i + 1, col + 1
        elif c in "\"'":
            start_col = col
            value, i, col = _string(text, i, line, col)
            out.append(Token("STRING", value, line, start_col))
        elif c.isdigit():
            j = i
            while j < n and (text[j].isalnum() or text[j] == "."):
                j += 1
            word = text[i:j]
            try:
                value = int(word, 0)
            except ValueError:
                raise XlSyntaxError(line, col, f"bad number '{word}'")
            out.append(Token("NUMBER", value, line, col))
            col += j - i
            i = j
        elif _is_name_start(c):
            j = i
            while j < n and _is_name(text[j]):
                j += 1
            out.append(Token("NAME", text[i:j], line, col))
            col += j - i
            i = j
        else:
            raise XlSyntaxError(line, col, f"unexpected character {c!r}")
    out.append(Token("EOF", None, line, col))
    return out


def _string(text, i, line, col):
    quote = text[i]
    start_col = col
    i, col = i + 1, col + 1
    buf = []
    n = len(text)
    while True:
        if i >= n or text[i] == "\n":
            raise XlSyntaxError(line, start_col, "unterminated string")
        c = text[i]
        if c == quote:
            return "".join(buf), i + 1, col + 1
        if c == "\\":
            if i + 1 >= n:
                raise XlSyntaxError(line, start_col, "unterminated string")
            e = text[i + 1]
            if e in ESCAPES:
                buf.append(ESCAPES[e])
                i, col = i + 2, col + 2
                continue
            if e == "x" and _ishex(text[i + 2:i + 4]):
                buf.append(chr(int(text[i + 2:i + 4], 16)))
                i, col = i + 4, col + 4
                continue
            raise XlSyntaxError(line, col, f"unknown escape '\\{e}'")
        buf.append(c)
        i, col = i + 1, col + 1


def _ishex(s):
    return len(s) == 2 and all(c in "0123456789abcdefABCDEF" for c in s)
