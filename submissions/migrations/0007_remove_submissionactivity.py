"""The submissions' activity log lives in ``activity.Entry`` now (copied by activity 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0006_file_kinds_slides_poster"),
        ("activity", "0002_submission_activity_into_entry"),
    ]

    operations = [migrations.DeleteModel(name="SubmissionActivity")]
