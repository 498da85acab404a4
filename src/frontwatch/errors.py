"""Every exception Frontwatch raises on purpose, each with a message that names the
input and says what to do."""

from __future__ import annotations


class FrontwatchError(Exception):
    """Base class: anything the CLI reports as a clean one-line error."""


class InputError(FrontwatchError):
    """An input file, line or stream cannot be turned into a document."""

    def __init__(self, source: str, problem: str, hint: str = "") -> None:
        self.source = source
        self.problem = problem
        self.hint = hint
        message = f"{source}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class KBError(FrontwatchError):
    """A knowledge-base file is malformed."""

    def __init__(self, path: str, where: str, problem: str) -> None:
        self.path = path
        super().__init__(f"{path}: {where}: {problem}")


class GoldError(FrontwatchError):
    """A gold annotation file is malformed or does not fit its article."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")


class StoreError(FrontwatchError):
    """The database cannot be opened, is of an unknown kind, or has a schema this code does not know."""


class ConfigError(FrontwatchError):
    """A setting (environment variable or flag) has a value Frontwatch cannot use."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"{name}={value!r}: {expected}")


class FetchError(InputError):
    """A URL could not be fetched: network, HTTP status, size, redirects. `status` is the HTTP
    status when the server answered."""

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(url, problem)


class RobotsDisallowed(FetchError):
    """The site's robots.txt does not allow Frontwatch to fetch this URL."""
