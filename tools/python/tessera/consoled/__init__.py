# SPDX-License-Identifier: GPL-2.0-only
"""tess-consoled: dom0's daemon for the domains `tess create` makes. It
serves their PV console rings (log files, `tess console`) and applies their
on_poweroff / on_reboot / on_crash when they end (docs/console.md)."""
