import sys

from isoface_desk.cli import main

sys.exit(main())
