# SPDX-License-Identifier: GPL-2.0-only
"""Tessera control tools: the domain configuration model and the `tess` CLI."""
__version__ = "0.1.0"
