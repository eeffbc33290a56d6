"""The repository itself: no stored notebook outputs, and CI runs the README's command."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import DOCS, ROOT


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot list tracked files")
    return [ROOT / line for line in out.splitlines()]


def test_no_notebook_with_outputs_is_tracked() -> None:
    notebooks = [p for p in _tracked_files() if p.suffix == ".ipynb"]
    assert not notebooks, (
        f"notebooks are tracked (pages must be MyST text notebooks): {notebooks}"
    )


def test_pages_are_text_notebooks_without_outputs() -> None:
    pages = sorted(DOCS.glob("*.md"))
    notebooks = [
        p for p in pages if "file_format: mystnb" in p.read_text(encoding="utf-8")
    ]
    assert len(notebooks) >= 1
    for page in notebooks:
        text = page.read_text(encoding="utf-8")
        assert "```{code-cell}" in text, f"{page.name} is a notebook with no code cell"
        # A MyST text notebook cannot hold outputs; make sure nobody pasted one in.
        assert '"outputs"' not in text, f"{page.name} contains notebook JSON outputs"


def _load(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ci_runs_the_readme_test_command_exactly() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = _load(ROOT / ".ci" / "readme_command.py").readme_command("test-command")
    assert command == 'python3 -m pip install "nox[uv]" && python3 -m nox -s tests'
    assert f"```bash\n{command}\n```" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "readme_command.py test-command" in ci
    assert re.search(r'bash -c "\$\{test_command\}"', ci)


def test_readme_commands_name_their_sessions() -> None:
    module = _load(ROOT / ".ci" / "readme_command.py")
    assert module.readme_command("docs-command").endswith("nox -s docs")
    with pytest.raises(SystemExit, match="no fenced command block"):
        module.readme_command("no-such-marker")
