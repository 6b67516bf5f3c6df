"""Plain functions that change the state of the review process; views and tasks call these.

One module per workflow: ``committee`` (invitations, profiles), ``conflicts``, ``bidding``,
``assignments``, ``area_chairs``, ``reviewing``, ``discussion``, ``decisions``
(+ ``templating``), ``reminders`` and ``phases``.
"""


class ReviewFlowError(Exception):
    """A refused action; the message is meant for the user."""
