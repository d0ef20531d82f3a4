"""`deskui web`: the desk served to browsers (issues 16 and 23). A browser signs in on a
small page first (deskui/web/host.py); only then does its tab get a desk process, started
already signed in by a hand-over only the desk's account can read (deskui/web/grant.py).

The command `deskui web` is the command line's (deskui/cli/web.py). This package's
`__init__` imports nothing: a desk reads its hand-over through `deskui.web.grant` at start."""
