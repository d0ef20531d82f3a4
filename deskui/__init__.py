"""deskui: a keyboard-first terminal workstation for a call-center front desk."""

__version__ = "0.1.0"
