from django.db import migrations

from program.schedule_import import schedule_items_to_sessions, sessions_to_schedule_items


class Migration(migrations.Migration):
    """The call pages' schedule becomes the program (published: the schedule was public)."""

    dependencies = [
        ("program", "0002_session_version"),
        ("workshops", "0004_camera_ready_page_limit"),
    ]

    operations = [
        migrations.RunPython(schedule_items_to_sessions, sessions_to_schedule_items),
    ]
