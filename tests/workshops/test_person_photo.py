import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests import factories


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("portrait.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_person_photo_shown_on_workshop_page_through_its_own_view(client, media_root):
    workshop = factories.WorkshopFactory()
    person = factories.PersonFactory(workshop=workshop, name="Khoa D Doan", photo=_png())
    photo_url = reverse("workshops:person_photo", args=[workshop.slug, person.pk])

    page = client.get(workshop.get_absolute_url()).content.decode()
    photo = client.get(photo_url)

    assert f'src="{photo_url}"' in page
    assert "/media/" not in page
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_person_photo_of_unpublished_workshop_is_404_for_visitors(client, media_root):
    workshop = factories.WorkshopFactory(is_published=False)
    person = factories.PersonFactory(workshop=workshop, photo=_png())

    response = client.get(reverse("workshops:person_photo", args=[workshop.slug, person.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_uploaded_files_are_not_served_from_the_media_url(client, media_root):
    workshop = factories.WorkshopFactory()
    person = factories.PersonFactory(workshop=workshop, photo=_png())

    response = client.get(f"/media/{person.photo.name}")

    assert response.status_code == 404
