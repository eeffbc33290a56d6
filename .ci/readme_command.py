"""Print the shell command that README.md writes after a ``<!-- NAME -->`` marker.

Usage: python3 .ci/readme_command.py test-command
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_command(marker: str, text: str | None = None) -> str:
    """Return the one-line command in the first fenced block after ``<!-- marker -->``."""
    text = README.read_text(encoding="utf-8") if text is None else text
    match = re.search(
        rf"<!-- {re.escape(marker)} -->\s*```[a-z]*\n(.+?)\n```", text, re.DOTALL
    )
    if match is None:
        msg = f"README.md has no fenced command block after <!-- {marker} -->."
        raise SystemExit(msg)
    command = match.group(1).strip()
    if "\n" in command:
        msg = f"The command after <!-- {marker} --> must be one line, got:\n{command}"
        raise SystemExit(msg)
    return command


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(readme_command(sys.argv[1]))
