"""``python build_scripts/bench [args]`` or ``python -m build_scripts.bench [args]``."""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
# Run as a path, Python puts this package's own directory first on sys.path, where its
# modules would shadow top-level names; the checkout's root goes there instead, so the
# bench runs from a fresh clone without an install and imports this checkout's app.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(REPO_ROOT)
elif str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from build_scripts.bench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
