"""The phone bridge (issue 25; DESIGN.md 12): a front end beside the screens, the CLI and the
browser host, that turns a PBX's call events into service calls (deskui.services.calls)."""
