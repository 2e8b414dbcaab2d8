"""`python -m tinyautograd ...` runs the `tinyautograd` command line (`fit`, `predict`)."""

import sys

from .cli import main

sys.exit(main())
