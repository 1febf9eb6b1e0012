"""FLORES dev zh↔en benchmark of the translation engines.

    python bench/translate.py [--engine NAME] [--score-systems] [--data DIR] [--limit N]

Prints one JSON line per engine and direction; see docs/translation.md.
"""

from __future__ import annotations

import sys

from qiao.engines.translate.bench import main

if __name__ == "__main__":
    sys.exit(main())
