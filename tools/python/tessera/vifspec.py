# SPDX-License-Identifier: GPL-2.0-only
"""The VIFSPEC mini-language of xl-network-configuration(5)."""
from tessera.model import Vif
from tessera.specsplit import SpecError, items

KEYS = ("mac", "bridge", "ip", "type", "model", "vifname", "script",
        "backend", "rate", "mtu")


def parse(text):
    """Parse TEXT into (Vif, {field: offset}); raise SpecError on bad syntax."""
    vif = Vif()
    where = {}
    for off, key, value in items(text):
        if key is None:
            if value == "":
                continue
            raise SpecError(off, f"vif parameter '{value}' is not key=value")
        if key not in KEYS:
            raise SpecError(off, f"unknown vif parameter '{key}'")
        if key in where:
            raise SpecError(off, f"vif parameter '{key}' given twice")
        where[key] = off
        value = value.strip()
        if key == "mtu":
            if not value.isdigit():
                raise SpecError(off, f"mtu '{value}' is not a number")
            value = int(value)
        elif key == "mac":
            value = value.lower()
        setattr(vif, key, value)
    return vif, where


def format(vif):
    parts = []
    for k in KEYS:
        v = getattr(vif, k)
        if v is not None:
            parts.append(f"{k}={v}")
    return ",".join(parts)
