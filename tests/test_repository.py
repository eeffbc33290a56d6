"""The repository itself: no stored notebook outputs, and CI runs the README's command."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
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
        assert not re.search(r'"outputs":\s*\[', text), (
            f"{page.name} contains notebook JSON outputs"
        )


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


def _noxfile_constant(name: str) -> object:
    """A literal constant assigned at the top level of noxfile.py (read, not imported)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        targets = (
            [node.target]
            if isinstance(node, ast.AnnAssign)
            else getattr(node, "targets", [])
        )
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            assert node.value is not None
            return ast.literal_eval(node.value)
    msg = f"noxfile.py assigns no constant {name}"
    raise AssertionError(msg)


def test_lint_runs_every_pre_commit_hook_at_its_pinned_version() -> None:
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    hook_ids = re.findall(r"^\s+- id: (\S+)$", config, re.MULTILINE)
    repos = re.findall(r"- repo: (\S+)\n\s+rev: v?\S+", config)
    lint_hooks = _noxfile_constant("LINT_HOOKS")
    packages = _noxfile_constant("LINT_PACKAGES")
    assert isinstance(lint_hooks, dict)
    assert isinstance(packages, dict)
    assert len(hook_ids) >= 10
    assert sorted(hook_ids) == sorted(lint_hooks), (
        "nox -s lint must run exactly the hooks of .pre-commit-config.yaml"
    )
    assert repos
    assert sorted(repos) == sorted(packages), (
        "every hook repository needs its PyPI package in noxfile.LINT_PACKAGES"
    )


def test_declared_python_floor_matches_classifiers_and_ci() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    floor = re.search(r'requires-python = ">=3\.(\d+)"', pyproject)
    assert floor is not None
    lowest = int(floor.group(1))
    versions = sorted(
        int(v)
        for v in re.findall(r'"Programming Language :: Python :: 3\.(\d+)"', pyproject)
    )
    assert versions
    assert versions[0] == lowest, "the classifiers must start at requires-python"
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    matrix = re.search(r"python-version: \[([^\]]*)\]", workflow)
    assert matrix is not None
    in_matrix = sorted(int(v) for v in re.findall(r'"3\.(\d+)"', matrix.group(1)))
    assert in_matrix[0] == lowest, "CI must test the lowest supported Python"
    assert f'python="3.{lowest}"' in (ROOT / "noxfile.py").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "nox -s tests_lowest" in ci


def test_the_readme_python_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert blocks, "the README shows the checking library in a python block"
    out = subprocess.run(
        [sys.executable, "-c", "\n".join(blocks)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    assert "formula matches autodiff" in out
    assert out.strip().endswith("True")
