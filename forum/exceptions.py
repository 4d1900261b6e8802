"""Errors the service layer raises; forum.errors turns them into 403 / 404 / 409 pages."""


class ForumError(Exception):
    """Base for domain errors; `message` is shown to the user (already translated)."""

    status_code = 400

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class InvalidInput(ForumError):
    """A parameter that cannot be used (an unknown status, a page that is not a number...)."""

    status_code = 400


class NotFound(ForumError):
    status_code = 404


class PermissionDenied(ForumError):
    status_code = 403


class StateConflict(ForumError):
    """The thread's state forbids the action (answering a closed thread...)."""

    status_code = 409
