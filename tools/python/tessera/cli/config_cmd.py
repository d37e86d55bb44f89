# SPDX-License-Identifier: GPL-2.0-only
"""`tess config check|show|convert`: the subcommands that need no hypervisor."""
import dataclasses
import json
import sys

from tessera import diskspec, loader, vifspec
from tessera.cli.exitcodes import FAILED, INVALID_CONFIG, Failure
from tessera.errors import ConfigError

SCALARS = ("name", "type", "uuid", "memory", "maxmem", "vcpus", "cpus", "pool",
           "kernel", "ramdisk", "cmdline", "on_poweroff", "on_reboot", "on_crash")


def register(sub, epilog):
    cfg = sub.add_parser("config", help="check, show and convert domain configurations",
                         description="Domain configuration files: xl-style .cfg "
                         "(xl.cfg(5)) or domain XML (libvirt's shape). The format is "
                         "detected from the content: XML starts with '<'.", epilog=epilog)
    csub = cfg.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)

    p = csub.add_parser("check", help="validate configuration files",
                        description="Validate each FILE; print every problem as "
                        "FILE:LINE:COL: message on stderr.", epilog=epilog)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    p.set_defaults(func=check)

    p = csub.add_parser("show", help="show the domain a file describes",
                        description="Print the domain model FILE describes, with "
                        "defaults filled in.", epilog=epilog)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the model as JSON")
    p.set_defaults(func=show)

    p = csub.add_parser("convert", help="convert between xl and XML",
                        description="Write FILE in another format on stdout "
                        "(or to --output).", epilog=epilog)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--to", choices=loader.FORMATS, required=True, help="output format")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.add_argument("--json", action="store_true",
                   help='print {"format": ..., "text": ...} instead of the text')
    p.set_defaults(func=convert)


def _load(path):
    try:
        return loader.load(path)[0]
    except OSError as e:
        raise Failure(FAILED, f"{path}: {e.strerror}") from None
    except ConfigError as e:
        raise Failure(INVALID_CONFIG, str(e)) from None


def check(args):
    report = []
    status = 0
    for path in args.files:
        entry = {"file": path, "ok": True, "errors": []}
        try:
            loader.load(path)
        except OSError as e:
            entry.update(ok=False, errors=[{"line": None, "col": None, "message": e.strerror}])
            print(f"tess: {path}: {e.strerror}", file=sys.stderr)
            status = max(status, FAILED)
        except ConfigError as e:
            entry.update(ok=False, errors=[{"line": p.line, "col": p.col, "message": p.message}
                                           for p in e.problems])
            for line in e.lines():
                print(line, file=sys.stderr)
            status = INVALID_CONFIG
        else:
            if not args.json:
                print(f"{path}: ok")
        report.append(entry)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    return status


def show(args):
    dom = _load(args.file)
    if args.json:
        json.dump(dataclasses.asdict(dom), sys.stdout, indent=2)
        print()
        return 0
    for key in SCALARS:
        value = getattr(dom, key)
        if value is None:
            continue
        if key in ("memory", "maxmem"):
            value = f"{value} MiB"
        print(f"{key + ':':13} {value}")
    for label, items, spec in (("disk", dom.disks, diskspec), ("vif", dom.vifs, vifspec)):
        for item in items:
            print(f"{label + ':':13} {spec.format(item) or '(defaults)'}")
    return 0


def convert(args):
    text = loader.dumps(_load(args.file), args.to)
    if args.json:
        text = json.dumps({"format": args.to, "text": text}, indent=2) + "\n"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            raise Failure(FAILED, f"{args.output}: {e.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0
