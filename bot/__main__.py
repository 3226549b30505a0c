"""`python -m bot` is the `tsunagari` command."""

import sys

from bot.cli import main

sys.exit(main())
