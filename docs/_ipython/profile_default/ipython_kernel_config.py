"""IPython configuration of the kernels that execute the pages during the docs build.

The build points ``IPYTHONDIR`` at a copy of this profile (see
``docs/_ext/execution_env.py``). Errors shown on purpose print as one line
(``TypeError: ...``) instead of a traceback through the building machine's
site-packages, and no history database is written. ipykernel 7 also warns at
every start that a kernel on TCP is unencrypted; the build's kernels listen on
127.0.0.1 only and sign every message, so that one notice is dropped (every
other kernel warning still shows).
"""

import logging

c = get_config()  # noqa: F821 (IPython defines get_config in configuration files)

c.InteractiveShell.xmode = "Minimal"
c.HistoryManager.enabled = False


class _DropPlainTcpNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_DropPlainTcpNotice())
