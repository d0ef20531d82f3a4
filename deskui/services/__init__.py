"""The use cases: every action an agent takes, in one place (issue 15).

One module per job. Each use case is a function of `(uow, actor, command, now)`: it checks
the permission (deskui.domain.permissions) and the version, writes through the unit of
work's stores, writes the history, commits, and returns a plain result dataclass. Services
are the only writers; screens run them through `deskui.screens.runner`, the CLI calls them
directly. Nothing here imports Textual.

Modelled on cosmicpython's `service_layer/services.py`; where it differs: commands and
results are frozen dataclasses rather than primitives, because the CLI, the screens and
(later) the phone-system listener build the same commands.
"""
