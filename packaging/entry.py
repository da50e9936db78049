"""The PyInstaller bundle's entry point: the same as the `isoface-desk` command."""

import sys

from isoface_desk.cli import main

sys.exit(main())
