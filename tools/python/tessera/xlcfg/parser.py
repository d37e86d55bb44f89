# SPDX-License-Identifier: GPL-2.0-only
"""Parser for xl.cfg(5) syntax: `key = value` settings, values being a
string, a number or a `[ ... ]` list of those (newlines and a trailing comma
allowed inside the brackets). Settings end at a newline, `;` or end of file.
"""
from dataclasses import dataclass

from tessera.xlcfg.lexer import XlSyntaxError, tokenize


@dataclass
class Value:
    kind: str       # "string", "number" or "list"
    value: object   # str, int, or list of Value
    line: int
    col: int


@dataclass
class Setting:
    key: str
    value: Value
    line: int
    col: int


def _describe(tok):
    if tok.kind == "NL":
        return "end of line"
    if tok.kind == "EOF":
        return "end of file"
    if tok.kind == "STRING":
        return "a string"
    if tok.kind == "NUMBER":
        return f"number {tok.value}"
    if tok.kind == "NAME":
        return f"'{tok.value}'"
    return f"'{tok.kind}'"


class _Parser:
    def __init__(self, tokens):
        self.toks = tokens
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def next(self):
        t = self.toks[self.i]
        if t.kind != "EOF":
            self.i += 1
        return t

    def fail(self, tok, what):
        raise XlSyntaxError(tok.line, tok.col, f"expected {what}, found {_describe(tok)}")

    def settings(self):
        out = []
        while True:
            t = self.next()
            if t.kind in ("NL", ";"):
                continue
            if t.kind == "EOF":
                return out
            if t.kind != "NAME":
                self.fail(t, "a setting name")
            eq = self.next()
            if eq.kind != "=":
                self.fail(eq, f"'=' after '{t.value}'")
            out.append(Setting(t.value, self.value(), t.line, t.col))
            end = self.next()
            if end.kind not in ("NL", ";", "EOF"):
                self.fail(end, "end of line after the value")
            if end.kind == "EOF":
                return out

    def value(self):
        t = self.next()
        if t.kind == "STRING":
            return Value("string", t.value, t.line, t.col)
        if t.kind == "NUMBER":
            return Value("number", t.value, t.line, t.col)
        if t.kind == "[":
            return self.list(t)
        self.fail(t, "a value (string, number or list)")

    def list(self, open_tok):
        items = []
        while True:
            self.skip_nl()
            t = self.peek()
            if t.kind == "]":
                self.next()
                return Value("list", items, open_tok.line, open_tok.col)
            if t.kind == "EOF":
                raise XlSyntaxError(open_tok.line, open_tok.col, "unterminated list")
            if t.kind == "[":
                self.fail(t, "a string or number (lists do not nest)")
            items.append(self.value())
            self.skip_nl()
            t = self.next()
            if t.kind == "]":
                return Value("list", items, open_tok.line, open_tok.col)
            if t.kind == "EOF":
                raise XlSyntaxError(open_tok.line, open_tok.col, "unterminated list")
            if t.kind != ",":
                self.fail(t, "',' or ']' in list")

    def skip_nl(self):
        while self.peek().kind == "NL":
            self.next()


def parse(text):
    """Return the list of Settings in TEXT; raise XlSyntaxError on bad syntax."""
    return _Parser(tokenize(text)).settings()
