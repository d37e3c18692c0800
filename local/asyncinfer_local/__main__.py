"""`python -m asyncinfer_local` is the `asyncinfer` command."""

import sys

from .cli import main

sys.exit(main())
