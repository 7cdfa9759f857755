"""Project exception types: each carries one clear, user-facing message."""


class AtlasError(Exception):
    """Base class for errors the user can act on (shown as one line, never a traceback)."""


class InputFileError(AtlasError):
    """An input file cannot be read: missing, empty, binary, unsupported or broken."""


class SettingsError(AtlasError):
    """A setting has an invalid value."""
