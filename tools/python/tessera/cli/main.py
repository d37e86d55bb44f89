# SPDX-License-Identifier: GPL-2.0-only
"""Entry point of `tess`: the argument parser and the exit statuses."""
import argparse
import sys

from tessera import __version__
from tessera.cli import (config_cmd, console_cmd, create_cmd, dmesg_cmd, info_cmd, life_cmd,
                         pool_cmd, store_cmd, vcpu_cmd)
from tessera.cli.exitcodes import INTERRUPTED, OK, Failure

EPILOG = ("exit status: 0 ok, 1 operation failed, 2 usage error, "
          "3 invalid configuration, 4 store unreachable")


def build_parser():
    p = argparse.ArgumentParser(prog="tess", description="Tessera control tool.",
                                epilog=EPILOG)
    p.add_argument("--version", action="version", version=f"tess {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    config_cmd.register(sub, EPILOG)
    store_cmd.register(sub, EPILOG)
    info_cmd.register(sub, EPILOG)
    create_cmd.register(sub, EPILOG)
    life_cmd.register(sub, EPILOG)
    vcpu_cmd.register(sub, EPILOG)
    pool_cmd.register(sub, EPILOG)
    dmesg_cmd.register(sub, EPILOG)
    console_cmd.register(sub, EPILOG)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or OK
    except Failure as e:
        if e.args[0] is not None:
            print(f"tess: {e}", file=sys.stderr)
        return e.code
    except BrokenPipeError:
        return OK
    except KeyboardInterrupt:
        return INTERRUPTED
