# SPDX-License-Identifier: GPL-2.0-only
"""`tess store ls|read|write|rm|watch`: a thin client of tess-stored."""
import json
import sys

from tessera.cli.exitcodes import FAILED, STORE_UNREACHABLE, USAGE, Failure
from tessera.store.client import (DEFAULT_SOCKET, Client, StoreError, StoreUnreachable,
                                  socket_path)

SOCKET_HELP = ("store socket (default: $TESS_STORE_SOCKET, else $XENSTORED_PATH, "
               f"else {DEFAULT_SOCKET})")


def register(sub, epilog):
    st = sub.add_parser("store", help="read and write the store (tess-stored)",
                        description="Talk to tess-stored, Tessera's xenstore daemon.",
                        epilog=epilog)
    ssub = st.add_subparsers(dest="store_command", metavar="SUBCOMMAND", required=True)

    def leaf(name, helptext, func):
        p = ssub.add_parser(name, help=helptext, description=helptext[0].upper() + helptext[1:] + ".", epilog=epilog)
        p.add_argument("--socket", metavar="PATH", help=SOCKET_HELP)
        p.add_argument("--json", action="store_true", help="print JSON on stdout")
        p.set_defaults(func=lambda args: _run(func, args))
        return p

    p = leaf("ls", "list the children of a node", ls)
    p.add_argument("path", nargs="?", default="/", metavar="PATH")
    p.add_argument("-r", "--recursive", action="store_true",
                   help="list the whole subtree with values")
    p = leaf("read", "print the values of nodes", read)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p = leaf("write", "set node values", write)
    p.add_argument("pairs", nargs="+", metavar="PATH VALUE")
    p = leaf("rm", "remove nodes and their subtrees", rm)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p = leaf("watch", "print the paths that change under PATH until interrupted", watch)
    p.add_argument("path", metavar="PATH")
    p.add_argument("--count", type=int, metavar="N",
                   help="exit after N events (the first event fires at once)")


def _run(func, args):
    try:
        with Client(socket_path(args.socket)) as client:
            return func(client, args)
    except StoreUnreachable as e:
        raise Failure(STORE_UNREACHABLE, f"store unreachable: {e}") from None
    except StoreError as e:
        raise Failure(FAILED, str(e)) from None


def _text(value):
    return value.decode("utf-8", "replace")


def _emit_json(obj):
    json.dump(obj, sys.stdout, indent=2)
    print()


def _walk(client, path):
    yield path, client.read(path)
    for child in client.directory(path):
        yield from _walk(client, path.rstrip("/") + "/" + child)


def ls(client, args):
    if args.recursive:
        tree = {p: _text(v) for p, v in _walk(client, args.path)}
        if args.json:
            _emit_json(tree)
        else:
            for p, v in tree.items():
                print(f"{p} = {json.dumps(v, ensure_ascii=False)}")
        return 0
    names = client.directory(args.path)
    if args.json:
        _emit_json(names)
    else:
        for n in names:
            print(n)
    return 0


def read(client, args):
    values = {p: client.read(p) for p in args.paths}
    if args.json:
        _emit_json({p: _text(v) for p, v in values.items()})
    else:
        for v in values.values():
            sys.stdout.buffer.write(v + b"\n")
    return 0


def write(client, args):
    if len(args.pairs) % 2:
        raise Failure(USAGE, "store write: expected PATH VALUE pairs")
    pairs = list(zip(args.pairs[::2], args.pairs[1::2]))
    for path, value in pairs:
        client.write(path, value)
    if args.json:
        _emit_json({"written": [p for p, _ in pairs]})
    return 0


def rm(client, args):
    for path in args.paths:
        client.rm(path)
    if args.json:
        _emit_json({"removed": args.paths})
    return 0


def watch(client, args):
    if args.count is not None and args.count < 1:
        raise Failure(USAGE, "store watch: --count must be at least 1")
    client.watch(args.path, "tess")
    seen = 0
    try:
        while args.count is None or seen < args.count:
            event = client.next_event()
            if event is None:
                continue
            path, token = event
            if args.json:
                print(json.dumps({"path": path, "token": token}), flush=True)
            else:
                print(path, flush=True)
            seen += 1
    except KeyboardInterrupt:
        pass
    return 0
