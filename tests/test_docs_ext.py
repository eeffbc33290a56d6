"""The pure parts of the docs build's extensions (docs/_ext/) and of docs/conf.py.

The extensions are loaded as Sphinx loads them, from docs/_ext/ on ``sys.path``;
nothing here builds the site.
"""

from __future__ import annotations

import ast
import importlib
import os
import runpy
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from nbformat import NotebookNode
from sphinx.errors import ExtensionError

from .conftest import DOCS, SPHINX_ARGS

EXT = DOCS / "_ext"


@pytest.fixture
def ext(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Import one extension module of docs/_ext by name."""
    monkeypatch.syspath_prepend(str(EXT))

    def load(name: str) -> ModuleType:
        return importlib.import_module(name)

    return load


def _write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# -- version guards -------------------------------------------------------------


def test_version_guard_accepts_the_verified_range(ext: Any) -> None:
    guard = ext("version_guard")
    for installed in ("1.2", "1.2.0", "1.4.0", "1.4.99"):
        guard.require_verified_version(
            "myst-nb",
            minimum="1.2",
            below="1.5",
            extension="stream_merging",
            recheck="the thing.",
            installed=installed,
        )


@pytest.mark.parametrize("installed", ["1.1.2", "1.5.0", "2.0"])
def test_version_guard_names_the_range_and_what_to_recheck(
    ext: Any, installed: str
) -> None:
    guard = ext("version_guard")
    with pytest.raises(ExtensionError) as error:
        guard.require_verified_version(
            "myst-nb",
            minimum="1.2",
            below="1.5",
            extension="stream_merging",
            recheck="that coalesce_streams still strips each chunk.",
            installed=installed,
        )
    message = str(error.value)
    assert "myst-nb >=1.2,<1.5" in message
    assert f"myst-nb {installed} is installed" in message
    assert "Re-check: that coalesce_streams still strips each chunk." in message
    assert "docs/_ext/stream_merging.py" in message


@pytest.mark.parametrize(
    ("module", "distribution", "version"),
    [
        ("stream_merging", "myst-nb", "1.5.0"),
        ("stream_merging", "myst-nb", "1.1.2"),
        ("parallel_balance", "sphinx", "9.2.0"),
        ("parallel_balance", "sphinx", "8.0.2"),
        ("type_alias_fields", "sphinx", "9.2.0"),
        ("type_alias_fields", "sphinx", "8.1.3"),
        ("source_links", "sphinx", "9.2.0"),
        ("source_links", "sphinx", "8.1.3"),
    ],
)
def test_workarounds_refuse_unverified_versions(
    ext: Any,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    distribution: str,
    version: str,
) -> None:
    extension = ext(module)
    guard = ext("version_guard")
    real = guard.importlib.metadata.version

    def fake(name: str) -> str:
        return version if name == distribution else real(name)

    monkeypatch.setattr(guard.importlib.metadata, "version", fake)
    with pytest.raises(ExtensionError, match=rf"{distribution} {version} is installed"):
        extension.setup(SimpleNamespace())  # fails before touching the app


def test_installed_versions_are_within_the_verified_ranges(ext: Any) -> None:
    guard = ext("version_guard")
    for module in (
        "stream_merging",
        "parallel_balance",
        "type_alias_fields",
        "source_links",
    ):
        extension = ext(module)
        distribution = "myst-nb" if module == "stream_merging" else "sphinx"
        guard.require_verified_version(
            distribution,
            minimum=extension.VERIFIED_MINIMUM,
            below=extension.VERIFIED_BELOW,
            extension=module,
            recheck=extension.RECHECK,
        )


# -- stream merging -------------------------------------------------------------


def _stream(text: str, name: str = "stdout") -> NotebookNode:
    return NotebookNode(output_type="stream", name=name, text=text)


def test_stream_merging_depends_on_what_was_printed_not_on_chunking(ext: Any) -> None:
    from myst_nb.core.utils import coalesce_streams

    merge = ext("stream_merging").concatenate_then(coalesce_streams)
    one_way = [_stream("a\n"), _stream("b\n")]
    other_way = [_stream("a"), _stream("\nb\n")]
    assert merge(one_way)[0]["text"] == "a\nb\n"
    assert merge(other_way)[0]["text"] == "a\nb\n"
    assert [_stream("a")][0]["text"] == "a"  # the inputs are not modified
    # MyST-NB alone adds a blank line for the second chunking (issue #664); when
    # this fails, upstream fixed it and the extension can go.
    assert coalesce_streams(other_way)[0]["text"] == "a\n\nb\n"


def test_stream_merging_keeps_streams_and_other_outputs_apart(ext: Any) -> None:
    from myst_nb.core.utils import coalesce_streams

    merge = ext("stream_merging").concatenate_then(coalesce_streams)
    image = NotebookNode(output_type="display_data", data={"text/plain": "x"})
    merged = merge([_stream("1"), _stream("e\n", "stderr"), image, _stream("2\n")])
    assert [o.get("name") for o in merged] == ["stdout", "stderr", None]
    assert merged[0]["text"] == "12\n"
    assert merged[1]["text"] == "e\n"


def test_alias_wrappers_are_shown_by_name(ext: Any) -> None:
    unwrap = ext("type_alias_fields").unwrap
    assert (
        unwrap("TypeAliasForwardRef('jax.typing.DTypeLike') | None")
        == "jax.typing.DTypeLike | None"
    )
    assert unwrap("int | None") == "int | None"


# -- parallel balancing ---------------------------------------------------------


def test_balance_spreads_costly_pages_over_the_first_chunks(ext: Any) -> None:
    balance = ext("parallel_balance")
    from sphinx.util.parallel import make_chunks

    docnames = [f"api{i}" for i in range(6)] + ["a", "b", "c", "d"]
    docnames.sort()
    cost = {"a": 10.0, "b": 9.0, "c": 2.0, "d": 1.0}
    order = balance.balance(docnames, cost, 2)
    assert sorted(order) == sorted(docnames)
    chunks = make_chunks(order, 2)
    assert [len(c) for c in chunks] == [len(c) for c in make_chunks(docnames, 2)]
    loads = [sum(cost.get(d, 0.0) for d in chunk) for chunk in chunks]
    assert loads[:2] == sorted(loads[:2], reverse=True)  # heaviest first
    assert {"a", "b"} & set(chunks[0])  # the two costliest pages on two processes
    assert {"a", "b"} & set(chunks[1])
    assert sum(loads[:2]) == sum(cost.values())  # costly pages in the first chunks


# -- public names ---------------------------------------------------------------


def test_public_map_of_the_library(ext: Any) -> None:
    names = ext("public_names")
    modules = names.public_modules("autodiff_cookbook")
    assert all(
        not part.startswith("_")
        for module in modules
        for part in module.__name__.split(".")
    )
    paths = names.public_paths(modules, ["autodiff_cookbook"])
    assert (
        paths["autodiff_cookbook._checks.check_gradient"]
        == "autodiff_cookbook.check_gradient"
    )
    assert (
        paths["autodiff_cookbook._result.CheckResult"]
        == "autodiff_cookbook.CheckResult"
    )
    assert (
        names.public_path("autodiff_cookbook._result.CheckResult.ok", paths)
        == "autodiff_cookbook.CheckResult.ok"
    )
    assert names.public_path("jax.numpy.sin", paths) is None


PACKAGE = {
    "pkg/__init__.py": (
        "from . import domains as domains\n"
        "from ._checks import check as check\n"
        "from ._result import Result as Result\n"
        "from .domains._base import Domain as Domain\n"
        "from math import sqrt as sqrt\n"
        "__all__ = ['Result', 'check', 'domains', 'Domain', 'sqrt']\n"
    ),
    "pkg/_checks.py": "def check():\n    pass\n",
    "pkg/_result.py": "class Result:\n    ok = True\n",
    "pkg/domains/__init__.py": (
        "from ._base import Domain as Domain\n__all__ = ['Domain']\n"
    ),
    "pkg/domains/_base.py": "class Domain:\n    pass\n",
    "pkg/examples/__init__.py": '"""Pages."""\n',
    "pkg/examples/page.py": (
        "from .._result import Result\n"
        "def double(x):\n    return 2 * x\n"
        "__all__ = ['double']\n"
    ),
    "pkg/examples/other.py": (
        "from .page import double as double\n__all__ = ['double']\n"
    ),
    "pkg/_private/__init__.py": "raise ImportError('a private package is not walked')\n",
}


def test_public_map_is_built_from_all_generically(
    ext: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_package(tmp_path, PACKAGE)
    monkeypatch.syspath_prepend(str(tmp_path))
    names = ext("public_names")
    try:
        modules = names.public_modules("pkg")
        assert {m.__name__ for m in modules} == {
            "pkg",
            "pkg.domains",
            "pkg.examples",
            "pkg.examples.page",
            "pkg.examples.other",
        }
        paths = names.public_paths(modules, ["pkg"])
    finally:
        for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[name]
    assert paths == {
        "pkg._checks.check": "pkg.check",
        "pkg._result.Result": "pkg.Result",
        # re-exported twice: documented under the public module that holds it
        "pkg.domains._base.Domain": "pkg.domains.Domain",
        # already public where it is defined: never sent to a re-export
    }
    assert names.public_path("pkg._result.Result.ok", paths) == "pkg.Result.ok"


def test_type_aliases_render_by_name_and_link_their_values(ext: Any) -> None:
    names = ext("public_names")
    aliases = names.read_type_aliases(
        "autodiff_cookbook._types",
        "autodiff_cookbook",
        {"autodiff_cookbook.domains._base.Domain": "autodiff_cookbook.domains.Domain"},
    )
    assert aliases.rendered["DomainTree"] == "autodiff_cookbook.DomainTree"
    assert aliases.rendered["KeyLike"] == "autodiff_cookbook.KeyLike"
    assert aliases.rendered["ArrayLike"] == "jax.typing.ArrayLike"
    documented = {alias.name: alias for alias in aliases.documented}
    assert "ArrayLike" not in documented  # JAX documents it
    assert documented["KeyLike"].value == "int | numpy.integer[typing.Any] | jax.Array"
    assert documented["DomainTree"].value.startswith("autodiff_cookbook.domains.")
    assert "autodiff_cookbook.DomainTree" in documented["DomainTree"].value
    assert documented["PyTree"].doc  # the #: comment


# -- execution cache and environment ---------------------------------------------


def test_package_hash_changes_when_a_source_file_changes(
    ext: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ext("execution_cache")
    _write_package(
        tmp_path, {"hashprobe/__init__.py": "VALUE = 1\n", "hashprobe/_a.py": "A = 1\n"}
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    first = cache.package_source_hash(["hashprobe"])
    assert cache.package_source_hash(["hashprobe"]) == first
    (tmp_path / "hashprobe" / "_a.py").write_text("A = 2\n", encoding="utf-8")
    changed = cache.package_source_hash(["hashprobe"])
    assert changed != first
    (tmp_path / "hashprobe" / "_b.py").write_text("", encoding="utf-8")
    assert cache.package_source_hash(["hashprobe"]) != changed
    with pytest.raises(RuntimeError, match="Cannot find the package 'no_such_pkg'"):
        cache.package_source_hash(["no_such_pkg"])


def test_watched_packages_come_from_the_environment(
    ext: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ext("execution_cache")
    monkeypatch.delenv("AUTODIFF_COOKBOOK_WATCH", raising=False)
    assert cache.watched_packages() == ["autodiff_cookbook"]
    monkeypatch.setenv("AUTODIFF_COOKBOOK_WATCH", "a, b")
    assert cache.watched_packages() == ["a", "b"]


def test_kernels_use_a_copy_of_the_static_profile(
    ext: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = ext("execution_env")
    for name in [*env.kernel_environment(tmp_path), "IPYTHONDIR"]:
        monkeypatch.delenv(name, raising=False)
    app = SimpleNamespace(srcdir=tmp_path, confdir=DOCS)
    env._set_up_kernels(app, SimpleNamespace(kernel_ipython_dir="_ipython"))
    copy = tmp_path / "_build" / ".ipython" / "profile_default"
    assert os.environ["IPYTHONDIR"] == str(copy.parent)
    config = (copy / "ipython_kernel_config.py").read_text(encoding="utf-8")
    assert 'xmode = "Minimal"' in config
    assert "running over TCP without encryption" in config
    assert os.environ["JAX_PLATFORMS"] == "cpu"
    assert os.environ["JAX_COMPILATION_CACHE_DIR"] == str(
        tmp_path / "_build" / ".jax_cache"
    )


# -- conf.py and the shared arguments ----------------------------------------------


def test_conf_defines_no_function_but_setup() -> None:
    tree = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    functions = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        and not isinstance(node, ast.Lambda)
    ]
    assert functions == ["setup"]
    assert not any(isinstance(node, ast.Lambda) for node in ast.walk(tree))
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not any(name.startswith(("myst_nb", "sphinx.util")) for name in imported)


def test_importing_conf_has_no_side_effects(tmp_path: Path) -> None:
    conf = tmp_path / "docs" / "conf.py"
    conf.parent.mkdir()
    conf.write_text((DOCS / "conf.py").read_text(encoding="utf-8"), encoding="utf-8")
    environ, path = dict(os.environ), list(sys.path)
    cwd = Path.cwd()
    os.chdir(conf.parent)  # as Sphinx reads it
    try:
        namespace = runpy.run_path(str(conf))
    finally:
        os.chdir(cwd)
    assert dict(os.environ) == environ
    assert sys.path == path
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["conf.py", "docs"]
    assert namespace["nb_execution_mode"] == "cache"
    assert callable(namespace["setup"])


def test_sphinx_arguments_are_defined_once() -> None:
    loaded = runpy.run_path(str(EXT / "build_args.py"))["SPHINX_ARGS"]
    assert loaded == SPHINX_ARGS
    assert {"-W", "--keep-going", "-n", "-j", "-b"} <= set(loaded)
    root = DOCS.parent
    for path in (
        root / "noxfile.py",
        root / "tests" / "conftest.py",
        root / "benchmarks" / "bench_docs.py",
    ):
        text = path.read_text(encoding="utf-8")
        assert '"--keep-going"' not in text, (
            f"{path.name} restates the Sphinx arguments"
        )
        assert "build_args.py" in text, path.name


# -- canonical URL and sitemap ------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "environ", "expected"),
    [
        ("", {}, None),
        ("", {"READTHEDOCS_CANONICAL_URL": ""}, None),
        ("", {"READTHEDOCS_CANONICAL_URL": "  "}, None),
        (
            "",
            {"READTHEDOCS_CANONICAL_URL": "https://x.readthedocs.io/en/latest/"},
            "https://x.readthedocs.io/en/latest/",
        ),
        (
            "",
            {"READTHEDOCS_CANONICAL_URL": "https://docs.example.org/en/stable"},
            "https://docs.example.org/en/stable/",
        ),
        (
            "https://mine.example.org",
            {"READTHEDOCS_CANONICAL_URL": "https://x.readthedocs.io/en/latest/"},
            "https://mine.example.org/",
        ),
    ],
)
def test_base_url_is_the_configured_one_else_read_the_docs(
    ext: Any, configured: str, environ: dict[str, str], expected: str | None
) -> None:
    canonical = ext("canonical_url")
    assert canonical.canonical_base_url(configured, environ) == expected


def test_conf_reads_no_environment_for_the_base_url() -> None:
    """conf.py leaves html_baseurl to _ext/canonical_url.py, and says how the sitemap is laid out."""
    namespace = runpy.run_path(str(DOCS / "conf.py"))
    assert "html_baseurl" not in namespace
    assert "canonical_url" in namespace["local_extensions"]
    assert (
        "sphinx_sitemap" not in namespace["extensions"]
    )  # loaded with a base URL only
    assert namespace["sitemap_url_scheme"] == "{link}"
    assert "_modules/*" in namespace["sitemap_excludes"]


# -- copy buttons -----------------------------------------------------------------------


def test_copy_button_prompts_match_doctest_and_ipython() -> None:
    import re

    namespace = runpy.run_path(str(DOCS / "conf.py"))
    assert namespace["copybutton_prompt_is_regexp"] is True
    assert namespace["copybutton_only_copy_prompt_lines"] is True
    # The same expression copybutton.js builds: the prompt, then the code.
    prompt = re.compile(f"^({namespace['copybutton_prompt_text']})(.*)")
    for line, code in [
        (">>> x = 1", "x = 1"),
        ("...     return x", "    return x"),
        ("In [12]: f(x)", "f(x)"),
        ("   ...: y", "y"),
    ]:
        match = prompt.match(line)
        assert match is not None, line
        assert match.group(2) == code
    for output in ["Array(1., dtype=float32)", "True 64 float64 True", "x = 1", ""]:
        assert prompt.match(output) is None, output
    excluded = {s.strip() for s in namespace["copybutton_exclude"].split(",")}
    assert {".linenos", ".go"} <= excluded
    assert ".gp" not in excluded  # the prompts must reach the regex


# -- source links -------------------------------------------------------------------


def test_assignment_tags_cover_constants_and_class_fields(ext: Any) -> None:
    links = ext("source_links")
    source = (
        "X: int = 1\n"
        "Y = Z = (\n    2,\n)\n"
        "class C:\n"
        '    """Doc."""\n'
        "    field: int\n"
        "    other = 3\n"
        "    def method(self):\n"
        "        local = 4\n"
    )
    assert links.assignment_tags(source) == {
        "X": ("other", 1, 1),
        "Y": ("other", 2, 4),
        "Z": ("other", 2, 4),
        "C.field": ("other", 7, 7),
        "C.other": ("other", 8, 8),
    }


@pytest.mark.parametrize(
    ("modname", "fullname", "expected"),
    [
        ("autodiff_cookbook", "check_gradient", "autodiff_cookbook._checks"),
        ("autodiff_cookbook", "CheckResult.ok", "autodiff_cookbook._result"),
        (
            "autodiff_cookbook",
            "FiniteDifferenceReport.summary",
            "autodiff_cookbook._result",
        ),
        ("autodiff_cookbook", "TaylorResult.plot", "autodiff_cookbook._taylor"),
        ("autodiff_cookbook", "Batching", "autodiff_cookbook._types"),
        ("autodiff_cookbook", "CheckOptions.rtol", "autodiff_cookbook._types"),
        ("autodiff_cookbook.domains", "spd", "autodiff_cookbook.domains._matrices"),
        (
            "autodiff_cookbook.catalogue",
            "Identity.id",
            "autodiff_cookbook.catalogue._entry",
        ),
        ("autodiff_cookbook.catalogue", "IDENTITIES", "autodiff_cookbook.catalogue"),
        (
            "autodiff_cookbook.examples.gradients",
            "quadratic",
            "autodiff_cookbook.examples.gradients",
        ),
    ],
)
def test_entries_are_found_in_the_module_that_defines_them(
    ext: Any, modname: str, fullname: str, expected: str
) -> None:
    links = ext("source_links")
    aliases = runpy.run_path(str(DOCS / "conf.py"))["public_names_type_aliases"]
    module = links.defining_module(modname, fullname, aliases)
    assert module == expected
    _, tags = links.source_tags(module)
    assert fullname in tags


def test_custom_rule_functions_are_found_for_their_module_pages(ext: Any) -> None:
    found = ext("custom_derivatives").custom_rule_functions(["autodiff_cookbook"])
    # Decorated functions that examples list in __all__, under their own module...
    assert {"gelu", "gelu_rounded", "softmax_cross_entropy"} <= set(
        found["autodiff_cookbook.examples.derivative_rules"]
    )
    assert "implicit_solution" in found["autodiff_cookbook.examples.implicit"]
    # ...and nothing else: plain functions and classes are autosummary's own.
    import autodiff_cookbook.examples.derivative_rules as rules

    assert "mlp" in rules.__all__
    assert "mlp" not in found["autodiff_cookbook.examples.derivative_rules"]
    assert not [m for m in found if m.rsplit(".", 1)[-1].startswith("_")]


def test_old_cache_records_are_found_in_one_query(ext: Any, tmp_path: Path) -> None:
    pytest.importorskip("jupyter_cache")
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbCacheRecord
    from jupyter_cache.cache.main import CacheBundleIn
    from nbformat.v4 import new_code_cell, new_notebook

    cache_ext = ext("execution_cache")
    cache = get_cache(tmp_path / "cache")
    pks = []
    for i in range(4):
        nb = new_notebook(cells=[new_code_cell(f"x = {i}")])
        record = cache.cache_notebook_bundle(
            CacheBundleIn(nb, f"page{i}.ipynb"), check_validity=False
        )
        pks.append(record.pk)
    NbCacheRecord.touch(pks[0], cache.db)  # the first is now the most recent
    expected = NbCacheRecord.records_to_delete(2, cache.db)  # jupyter-cache's own
    assert sorted(cache_ext.records_to_delete(2, cache.db)) == sorted(expected)
    assert sorted(expected) == pks[1:3]
    assert cache_ext.records_to_delete(4, cache.db) == []


# -- package snapshot -------------------------------------------------------------


def test_remembered_computes_once_per_key(ext: Any, tmp_path: Path) -> None:
    snapshot = ext("package_snapshot")
    calls: list[int] = []

    def compute() -> dict[str, list[int]]:
        calls.append(1)
        return {"value": [len(calls)]}

    assert snapshot.remembered(tmp_path, "probe", "key-1", compute) == {"value": [1]}
    # Same key: the stored result, as a later build would read it.
    assert snapshot.remembered(tmp_path, "probe", "key-1", compute) == {"value": [1]}
    assert len(calls) == 1
    # New key: computed again.
    assert snapshot.remembered(tmp_path, "probe", "key-2", compute) == {"value": [2]}
    # A damaged file is computed again, not trusted.
    (tmp_path / snapshot.SNAPSHOT_DIR / "probe.json").write_text("{", encoding="utf-8")
    assert snapshot.remembered(tmp_path, "probe", "key-2", compute) == {"value": [3]}


def test_fingerprint_follows_the_source_and_the_parts(
    ext: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = ext("package_snapshot")
    _write_package(tmp_path, {"snapprobe/__init__.py": "A = 1\n"})
    monkeypatch.syspath_prepend(str(tmp_path))
    first = snapshot.fingerprint(["snapprobe"], ("x",))
    assert snapshot.fingerprint(["snapprobe"], ("x",)) == first
    assert snapshot.fingerprint(["snapprobe"], ("y",)) != first
    (tmp_path / "snapprobe" / "__init__.py").write_text("A = 2\n", encoding="utf-8")
    assert snapshot.fingerprint(["snapprobe"], ("x",)) != first
    assert "snapprobe" not in sys.modules


def test_module_files_are_found_without_importing(
    ext: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ext("public_names")
    _write_package(
        tmp_path,
        {
            "fileprobe/__init__.py": "raise RuntimeError('imported')\n",
            "fileprobe/_mod.py": "",
            "fileprobe/sub/__init__.py": "",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    root = tmp_path / "fileprobe"
    assert names.module_file("fileprobe") == root / "__init__.py"
    assert names.module_file("fileprobe._mod") == root / "_mod.py"
    assert names.module_file("fileprobe.sub") == root / "sub" / "__init__.py"
    assert names.module_file("fileprobe.missing") is None
    assert names.module_file("no_such_package_here.x") is None
    assert "fileprobe" not in sys.modules


def test_viewcode_finds_module_files_through_source_links(
    ext: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinx.ext import viewcode

    # Restored after the test: setup() replaces viewcode's function.
    monkeypatch.setattr(viewcode, "get_module_filename", viewcode.get_module_filename)
    links = ext("source_links")
    links.setup(
        SimpleNamespace(setup_extension=lambda *_: None, connect=lambda *_: None)
    )
    assert viewcode.get_module_filename is links.module_filename

    def app(answer: object) -> SimpleNamespace:
        events = SimpleNamespace(emit_firstresult=lambda *_: answer)
        return SimpleNamespace(events=events)

    found = links.module_filename(app(None), "autodiff_cookbook._checks")
    assert found == Path(links.module_file("autodiff_cookbook._checks"))
    assert found.name == "_checks.py"
    # As viewcode's own: no file (so the page is written again) when the event answers.
    assert (
        links.module_filename(app(("source", {})), "autodiff_cookbook._checks") is None
    )
