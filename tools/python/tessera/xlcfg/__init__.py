# SPDX-License-Identifier: GPL-2.0-only
"""xl.cfg(5)-style domain configuration files."""
