# SPDX-License-Identifier: GPL-2.0-only
"""Client side of the xenstore wire protocol (Xen's io/xs_wire.h)."""
