"""The workshops tests' own factory and helpers (the shared factories are in tests/factories.py)."""

import datetime as dt
import io
import zoneinfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import WorkshopFactory
from workshops.enums import AOE
from workshops.models import ScheduleItem

AOE_TZ = zoneinfo.ZoneInfo(AOE)


def aoe(year: int, month: int, day: int, hour: int = 23, minute: int = 59, second: int = 59):
    """A moment in Anywhere on Earth; by default the end of that day, as calls mean it."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=AOE_TZ)


class ScheduleItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleItem

    workshop = factory.SubFactory(WorkshopFactory)
    starts_at = factory.LazyFunction(lambda: aoe(2030, 5, 22, 9, 0, 0))
    title = factory.Sequence(lambda n: f"Session {n}")


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1f5fbf").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
