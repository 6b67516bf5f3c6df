from django.db import migrations, models
from django.utils import timezone


class Migration(migrations.Migration):
    dependencies = [("program", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="session",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="session",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
