"""`python -m footprint.cli …` is the `footprint` command."""

import sys

from footprint.cli import main

sys.exit(main())
