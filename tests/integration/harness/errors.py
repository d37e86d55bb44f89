# SPDX-License-Identifier: GPL-2.0-only
"""Exceptions a Machine raises. Their text always carries the command line
and the tail of the serial log, so a failing test explains itself."""


class MachineError(Exception):
    """Something went wrong with an emulated machine."""


class MachineTimeout(MachineError):
    """A wait ran out of time (the pattern never appeared, the machine
    never exited)."""


class MachineExited(MachineError):
    """The emulator ended while we were still waiting for output."""


class MachineStartError(MachineError):
    """The emulator could not be started or its inputs are missing."""
