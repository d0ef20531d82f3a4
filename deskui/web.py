"""`deskui web [--host --port]`: the same desk served to browsers with textual-serve, one
desk process per browser tab (issue 16). The database URL and its password stay on this
host, in the server's environment; the browser gets only the terminal's pixels and keys."""

from __future__ import annotations

import argparse
import shlex
import sys


def desk_command(argv: list[str]) -> str:
    """The command each tab runs: this Python's deskui with the options given to `web`
    except the web-only ones (a tab signs in on its own sign-in screen)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "web":
            continue
        if arg in ("--host", "--port"):
            skip = True
            continue
        if arg.startswith(("--host=", "--port=")):
            continue
        kept.append(arg)
    return shlex.join([sys.executable, "-m", "deskui", *kept])


def serve(args: argparse.Namespace, argv: list[str]) -> int:
    from textual_serve.server import Server

    server = Server(desk_command(argv), host=args.host, port=args.port, title="deskui")
    server.serve()
    return 0
