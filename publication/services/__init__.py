"""Services of the publication app: plain functions that change state, each in one
transaction that also writes the activity log.

- ``camera_ready``: the deadline, who may upload, the final PDF and material, the confirmed
  metadata, per-paper deadlines, withdrawal of accepted papers, the "missing" rule.
- ``terms``: the publication terms and their recorded acceptances; the settings page.
- ``reminders``: the chairs' one-click reminder and the reminders beat sends before the deadline.
"""
