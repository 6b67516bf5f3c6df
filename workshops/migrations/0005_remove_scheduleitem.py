from django.db import migrations


class Migration(migrations.Migration):
    """The schedule is now the program (its items were copied by program.0003)."""

    dependencies = [
        ("workshops", "0004_camera_ready_page_limit"),
        ("program", "0003_schedule_items_to_program"),
    ]

    operations = [
        migrations.DeleteModel(name="ScheduleItem"),
    ]
