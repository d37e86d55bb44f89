# SPDX-License-Identifier: GPL-2.0-only
"""xl.cfg lexer, parser and reader, and the good/bad corpora."""
import glob
import os

import pytest
from tesshelpers import check_bad, check_good

from tessera.errors import ConfigError
from tessera.xlcfg import reader, writer
from tessera.xlcfg.lexer import XlSyntaxError, tokenize
from tessera.xlcfg.parser import parse

CORPUS = os.path.join(os.path.dirname(__file__), "corpus")
GOOD = sorted(glob.glob(os.path.join(CORPUS, "good", "*.cfg")))
BAD = sorted(glob.glob(os.path.join(CORPUS, "bad", "*.cfg")))


def test_corpora_are_there():
    assert len(GOOD) >= 7 and len(BAD) >= 20


def test_tokens_and_positions():
    toks = tokenize('a = "x" # c\nbb=[1,\n 0x10 ]')
    got = [(t.kind, t.value, t.line, t.col) for t in toks]
    assert got == [("NAME", "a", 1, 1), ("=", "=", 1, 3), ("STRING", "x", 1, 5),
                   ("NL", None, 1, 12), ("NAME", "bb", 2, 1), ("=", "=", 2, 3),
                   ("[", "[", 2, 4), ("NUMBER", 1, 2, 5), (",", ",", 2, 6),
                   ("NL", None, 2, 7), ("NUMBER", 16, 3, 2), ("]", "]", 3, 7),
                   ("EOF", None, 3, 8)]


@pytest.mark.parametrize("text,value", [
    (r'"a\"b"', 'a"b'), (r"'it\'s'", "it's"), (r'"t\tn\n"', "t\tn\n"),
    (r'"\x41\\"', "A\\"), ("'double \" inside'", 'double " inside'),
])
def test_string_escapes(text, value):
    assert tokenize(text)[0].value == value


def test_bad_number():
    with pytest.raises(XlSyntaxError) as e:
        tokenize("x = 12ab")
    assert (e.value.line, e.value.col) == (1, 5)


def test_lists_trailing_comma_and_newlines():
    s = parse('disk = [\n "a",\n\n "b", # two\n]\n')
    assert [v.value for v in s[0].value.value] == ["a", "b"]


def test_empty_list_and_semicolons():
    s = parse("a = []; b = 'x';")
    assert [(x.key, x.value.kind) for x in s] == [("a", "list"), ("b", "string")]


@pytest.mark.parametrize("text,where,msg", [
    ("a = [[1]]", (1, 6), "expected a string or number (lists do not nest), found '['"),
    ("a = ", (1, 5), "expected a value (string, number or list), found end of file"),
    ("= 1", (1, 1), "expected a setting name, found '='"),
    ("a = [1 2]", (1, 8), "expected ',' or ']' in list, found number 2"),
])
def test_parse_errors(text, where, msg):
    with pytest.raises(XlSyntaxError) as e:
        parse(text)
    assert ((e.value.line, e.value.col), e.value.message) == (where, msg)


@pytest.mark.parametrize("path", GOOD, ids=os.path.basename)
def test_good_corpus(path):
    dom = check_good(reader.load, path)
    assert reader.loads(writer.dumps(dom)) == dom


@pytest.mark.parametrize("path", BAD, ids=os.path.basename)
def test_bad_corpus(path):
    check_bad(reader.load, path)


def test_root_and_extra_make_cmdline():
    dom = reader.loads('name="a"\nmemory=64\nkernel="/k"\nextra="quiet"\nroot="/dev/xvda"\n')
    assert dom.cmdline == "root=/dev/xvda quiet"


def test_old_builder_means_type():
    assert reader.loads('name="a"\nmemory=64\nbuilder="hvm"\n').type == "hvm"


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as e:
        reader.loads('name="a"\nmemory=64\nfoo=1\nbar=2\n', "x.cfg")
    assert e.value.lines() == ["x.cfg:3:1: unsupported setting 'foo'",
                               "x.cfg:4:1: unsupported setting 'bar'"]
