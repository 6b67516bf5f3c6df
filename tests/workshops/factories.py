"""The workshops tests' own factory and helpers (the shared factories are in tests/factories.py)."""

import datetime as dt
import io
import zoneinfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from program.models import Program, Session
from tests.factories import WorkshopFactory
from workshops.enums import AOE

AOE_TZ = zoneinfo.ZoneInfo(AOE)


def aoe(year: int, month: int, day: int, hour: int = 23, minute: int = 59, second: int = 59):
    """A moment in Anywhere on Earth; by default the end of that day, as calls mean it."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=AOE_TZ)


class ProgramSessionFactory(factory.django.DjangoModelFactory):
    """A session of the program (which replaced the call's schedule); the workshop's program
    is created and published with it, as the schedule was public."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    workshop = factory.SubFactory(WorkshopFactory)
    starts_at = factory.LazyFunction(lambda: aoe(2030, 5, 22, 9, 0, 0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=30))
    title = factory.Sequence(lambda n: f"Session {n}")

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Program.objects.update_or_create(
                workshop=obj.workshop, defaults={"published_at": dt.datetime.now(dt.UTC)}
            )


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1f5fbf").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
