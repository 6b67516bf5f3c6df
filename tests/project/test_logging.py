"""Each log line is printed once: Django's own console handler does not echo the root's."""

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import logging, django
django.setup()
logging.getLogger("django.request").warning("Not Found: /no-such-page")
logging.getLogger("submissions").info("A paper was saved")
"""


def test_a_django_log_line_is_printed_once():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "true"}

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = result.stderr.splitlines()
    assert lines.count("Not Found: /no-such-page") == 1, result.stderr
    assert lines.count("A paper was saved") == 1, result.stderr
