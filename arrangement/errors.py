"""Errors that the command line turns into one-line messages.

Every exception a user can provoke with bad input derives from :class:`RelucvxError`; the CLI
prints ``relucvx: error: <message>`` and exits with :attr:`RelucvxError.exit_code`.
"""

from __future__ import annotations


class RelucvxError(Exception):
    """Base class: the message is a single line meant for the user."""

    exit_code = 2


class InputError(RelucvxError):
    """The input (a matrix, a file, a flag) is malformed: exit status 2."""


class TooLargeError(InputError):
    """The estimated output exceeds the documented limit and ``--force`` was not given."""


class NumericError(RelucvxError, RuntimeError):
    """The floating-point guess of a convex program failed (badly scaled data): exit status 2.

    Also a :class:`RuntimeError`, so code that treats a failed guess as "no guess" still may.
    """
