"""Why an action was refused. `message` is shown to the person who tried it."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    code = "invalid"
    retryable = False
    data = None

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Invalid(ServiceError):
    code = "invalid"


class Forbidden(ServiceError):
    code = "forbidden"


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    code = "conflict"


class TextConflict(Conflict):
    """Someone saved the same text in between: here is what they wrote."""

    def __init__(self, current: str, version: int):
        super().__init__(
            _("Someone saved this text while you were writing: compare, then save again.")
        )
        self.data = {"current": current, "version": version}
