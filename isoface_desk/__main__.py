"""`python -m isoface_desk` is the same as the `isoface-desk` command."""

import sys

from isoface_desk.cli import main

sys.exit(main())
