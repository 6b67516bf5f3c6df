"""Views of the submissions app: ``author`` (dashboard, form, page, withdrawal, downloads) and
``chair`` (list, export, desk rejection, per-submission deadlines)."""
