"""Logging filters of the site."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A refused request (403, 404, 400, a suspicious operation) is the client's doing: one
    line, not a full traceback. Django's request logger attaches the exception to every 4xx it
    logs; errors of the server (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        client_error = status is not None and 400 <= status < 500
        if client_error or record.name.startswith("django.security"):
            record.exc_info = None
            record.exc_text = None
        return True
