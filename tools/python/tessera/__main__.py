# SPDX-License-Identifier: GPL-2.0-only
import sys

from tessera.cli.main import main

sys.exit(main())
