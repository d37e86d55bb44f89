# SPDX-License-Identifier: GPL-2.0-only
"""python3 -m tessera.consoled [SOCKET]: runs tess-consoled."""
import sys

from tessera.consoled.daemon import main

sys.exit(main())
