"""The Celery application; tasks are discovered in every installed app's ``tasks.py``.

Periodic tasks are declared next to the code they run: an app's ``schedule.py`` may define
``BEAT_SCHEDULE``, a dict in Celery's ``beat_schedule`` format, and all of them are merged here.
"""

import importlib
import importlib.util
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def collect_beat_schedules(sender, **kwargs):
    from django.apps import apps

    for config in apps.get_app_configs():
        name = f"{config.name}.schedule"
        if importlib.util.find_spec(name) is None:
            continue
        sender.conf.beat_schedule.update(importlib.import_module(name).BEAT_SCHEDULE)
