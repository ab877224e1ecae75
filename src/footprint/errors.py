"""Errors the command line reports as a clear message, not a traceback."""


class FootprintError(Exception):
    """A problem the user can act on. Messages never carry a sensitive value."""
