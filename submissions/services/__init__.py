"""Services of the submissions app: plain functions that change state.

- ``state``: ``set_state`` (the one door for state changes; ``set_decided_states``, the same
  door for a release of many decisions at once) and the predicates
  (``can_edit``, ``can_submit``, ``can_withdraw``, ``missing_items`` ...).
- ``deadlines``: every deadline rule, with an injectable ``now``.
- ``editing``: saving the author's form (metadata, authors, files) in one transaction.
- ``reminders``: the draft reminders sent before the deadline.
"""

from .state import (  # noqa: F401
    TransitionNotAllowed,
    can_desk_reject,
    can_edit,
    can_extend_deadline,
    can_submit,
    can_transition,
    can_withdraw,
    missing_items,
    set_decided_states,
    set_state,
)
