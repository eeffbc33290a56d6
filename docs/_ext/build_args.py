"""The Sphinx command-line arguments of every build of the site, defined once.

Why here: three places build the site (``noxfile.py``'s sessions, the test suite's
``tests/conftest.py`` and ``benchmarks/bench_docs.py``) and must build it the same
way, but they run in different environments: nox runs in its own virtual
environment, where neither Sphinx nor the package is installed, so the arguments
cannot live in the package or in an extension that imports Sphinx. This module
imports nothing; each of the three loads it by path::

    SPHINX_ARGS = runpy.run_path(str(DOCS / "_ext" / "build_args.py"))["SPHINX_ARGS"]

It sits beside the extensions because it is part of the docs build's configuration.
"""

#: ``-W``: a warning fails the build; ``--keep-going``: but every warning is
#: reported first; ``-n``: nitpicky, every cross-reference must resolve;
#: ``-j auto``: pages are read, so executed, in parallel (see
#: ``parallel_balance``); ``-b html``: the HTML site.
SPHINX_ARGS = ("-W", "--keep-going", "-n", "-j", "auto", "-b", "html")
