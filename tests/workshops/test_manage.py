"""Chair pages: who may reach them, creating a workshop, editing the call section by section."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import MembershipFactory, TopicFactory, UserFactory, WorkshopFactory
from workshops.enums import DateKind, MemberRole, PersonRole
from workshops.models import (
    ImportantDate,
    Membership,
    Person,
    ReviewCriterion,
    SubmissionType,
    Topic,
    Workshop,
)

from .factories import aoe, png_upload
from .payloads import edit_payload, first_empty_row, form_data, row_index

UTC = dt.UTC


def snapshot(workshop) -> dict:
    """Everything the edit page can change, to prove a refused save changed nothing."""
    return {
        "workshop": list(Workshop.objects.filter(pk=workshop.pk).values()),
        **{
            model.__name__: list(model.objects.filter(workshop=workshop).order_by("pk").values())
            for model in (
                ImportantDate,
                Topic,
                SubmissionType,
                ReviewCriterion,
                Person,
            )
        },
    }


@pytest.fixture
def chair_client(client, bands):
    user = UserFactory(full_name="Carla Chair")
    MembershipFactory(workshop=bands, user=user, role=MemberRole.CHAIR)
    client.force_login(user)
    return client


def edit_url(workshop, section=None):
    if section is None:
        return reverse("workshops:edit", kwargs={"slug": workshop.slug})
    return reverse("workshops:edit_section", kwargs={"slug": workshop.slug, "section": section})


def get_payload(client, workshop, section="basics"):
    """The section's page and what a browser would post back from it unchanged."""
    response = client.get(edit_url(workshop, section))
    assert response.status_code == 200
    return response, edit_payload(response)


def refused(response, message: str):
    """The save was refused with ``message`` shown on the re-rendered page."""
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert message in html, f"{message!r} not on the page"


# --- who may reach the chair pages -------------------------------------------------------


CHAIR_PAGES = ["workshops:manage", "workshops:edit"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", CHAIR_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_chair_pages_redirect_anonymous_to_login(client, workshop, page, method):
    url = reverse(page, kwargs={"slug": workshop.slug})

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


@pytest.mark.django_db
def test_chair_pages_of_unknown_slug_redirect_anonymous_like_real_ones(client):
    response = client.get(reverse("workshops:manage", kwargs={"slug": "no-such-workshop"}))

    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("page", CHAIR_PAGES)
@pytest.mark.parametrize("who", ["author_user", "reviewer_user"])
@pytest.mark.parametrize(("published", "status"), [(True, 403), (False, 404)])
def test_chair_pages_refuse_authors_and_reviewers(
    client, request, workshop, page, who, published, status
):
    workshop.is_published = published
    workshop.save()
    client.force_login(request.getfixturevalue(who))
    url = reverse(page, kwargs={"slug": workshop.slug})

    assert client.get(url).status_code == status
    assert client.post(url, {"name": "Hijacked"}).status_code == status
    workshop.refresh_from_db()
    assert workshop.name != "Hijacked"


@pytest.mark.django_db
def test_chair_of_another_workshop_cannot_edit_this_one(client, workshop):
    other_chair = UserFactory()
    MembershipFactory(workshop=WorkshopFactory(), user=other_chair, role=MemberRole.CHAIR)
    client.force_login(other_chair)

    assert client.get(edit_url(workshop)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("page", CHAIR_PAGES)
def test_chair_pages_open_to_the_chair_even_unpublished(client, workshop, chair, page):
    workshop.is_published = False
    workshop.save()
    client.force_login(chair)

    response = client.get(reverse(page, kwargs={"slug": workshop.slug}))

    assert response.status_code == 200
    assert 'class="chair-bar"' in response.content.decode()  # the chair tab bar


@pytest.mark.django_db
def test_chair_pages_open_to_site_admin(client, workshop):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    assert client.get(edit_url(workshop)).status_code == 200


@pytest.mark.django_db
def test_dashboard_lists_what_is_missing(client, chair, workshop):
    client.force_login(chair)

    html = client.get(reverse("workshops:manage", kwargs={"slug": workshop.slug})).content.decode()

    assert "There is no paper submission deadline yet." in html
    assert "There is no submission type" in html


# --- creating a workshop --------------------------------------------------------------


def create_data(**overrides):
    data = {
        "name": "Secure, Accountable, and Verifiable Machine Learning",
        "acronym": "SAFE-ML",
        "year": "2026",
        "edition": "2nd",
        "slug": "safe-ml-2026",
        "colocated_with": "ICST 2026",
        "format": "in_person",
        "venue": "Daejeon, South Korea",
        "timezone": "Etc/GMT+12",
        "anonymity": "double_blind",
        "is_archival": "on",
        "proceedings": "IEEE Digital Library",
        "presentation_outcomes": ["talk"],
        "max_pdf_size_mb": "20",
        "max_supplement_size_mb": "50",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_create_makes_the_creator_chair(client, chair):
    client.force_login(chair)  # chairs of an edition may open the next one

    response = client.post(reverse("workshops:create"), create_data())

    workshop = Workshop.objects.get(slug="safe-ml-2026")
    assert response.status_code == 302
    assert response.url == edit_url(workshop)
    assert Membership.objects.filter(workshop=workshop, user=chair, role="chair").exists()
    assert workshop.is_archival and workshop.presentation_outcomes == ["talk"]
    assert not workshop.is_published
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_create_allowed_with_the_add_workshop_permission(client):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_workshop"))
    client.force_login(user)

    response = client.post(reverse("workshops:create"), create_data())

    assert response.status_code == 302
    assert Workshop.objects.filter(slug="safe-ml-2026").exists()


@pytest.mark.django_db
def test_create_refused_to_plain_authors(client, author_user):
    client.force_login(author_user)

    assert client.get(reverse("workshops:create")).status_code == 403
    assert client.post(reverse("workshops:create"), create_data()).status_code == 403
    assert not Workshop.objects.filter(slug="safe-ml-2026").exists()


@pytest.mark.django_db
def test_create_redirects_anonymous_to_login(client):
    response = client.get(reverse("workshops:create"))

    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.django_db
def test_create_rejects_duplicate_slug(client, chair, workshop):
    client.force_login(chair)
    before = Workshop.objects.count()

    response = client.post(reverse("workshops:create"), create_data(slug=workshop.slug))

    assert response.status_code == 200
    assert "Another workshop already uses this address" in response.content.decode()
    assert Workshop.objects.count() == before


@pytest.mark.django_db
def test_create_rejects_unknown_timezone(client, chair):
    client.force_login(chair)

    response = client.post(reverse("workshops:create"), create_data(timezone="Mars/Olympus_Mons"))

    assert "is not a known time zone" in response.content.decode()
    assert not Workshop.objects.filter(slug="safe-ml-2026").exists()


@pytest.mark.django_db
def test_create_form_offers_aoe_first(client, chair):
    client.force_login(chair)

    form = client.get(reverse("workshops:create")).context["form"]

    assert list(form.fields["timezone"].choices)[0][0] == "Etc/GMT+12"


# --- editing the call, section by section ---------------------------------------------------

SECTIONS = ["basics", "dates", "types", "topics", "policies", "criteria", "people"]


@pytest.mark.django_db
def test_edit_url_shows_the_first_section_with_the_section_nav(chair_client, bands):
    response = chair_client.get(edit_url(bands))

    assert response.context["section"].key == "basics"
    html = response.content.decode()
    for section in SECTIONS:
        assert f'href="{edit_url(bands, section)}"' in html
    assert len(response.context["form"].fields) < 30  # not the 363 fields of one form


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_renders(chair_client, bands, section):
    response = chair_client.get(edit_url(bands, section))
    assert response.status_code == 200
    assert 'aria-current="page"' in response.content.decode()


@pytest.mark.django_db
def test_unknown_section_is_404_for_chairs_and_login_for_anonymous(chair_client, bands, client):
    assert chair_client.get(edit_url(bands, "nope")).status_code == 404
    chair_client.logout()
    response = chair_client.get(edit_url(bands, "nope"))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
def test_edit_saves_every_section(chair_client, bands):
    """What the single form saved, section by section (same fields, same assertions)."""
    _, data = get_payload(chair_client, bands, "basics")
    data["name"] = "Backdoor Attacks and Defenses (renamed)"
    assert chair_client.post(edit_url(bands, "basics"), data).status_code == 302

    _, data = get_payload(chair_client, bands, "policies")
    data["presentation_outcomes"] = ["virtual_talk"]
    assert chair_client.post(edit_url(bands, "policies"), data).status_code == 302

    attacks = Topic.objects.get(workshop=bands, name="Backdoor attacks")
    response, data = get_payload(chair_client, bands, "topics")
    t = first_empty_row(response, "topics")
    data.update({f"topics-{t}-name": "Dirty-label attacks", f"topics-{t}-parent": str(attacks.pk)})
    assert chair_client.post(edit_url(bands, "topics"), data).status_code == 302

    response, data = get_payload(chair_client, bands, "dates")
    d = first_empty_row(response, "dates")
    data.update(
        {f"dates-{d}-kind": DateKind.ABSTRACT_REGISTRATION, f"dates-{d}-original_at": "2023-01-20"}
    )
    camera = row_index(response, "dates", kind=DateKind.CAMERA_READY)
    data[f"dates-{camera}-DELETE"] = "on"
    assert chair_client.post(edit_url(bands, "dates"), data).status_code == 302

    response, data = get_payload(chair_client, bands, "types")
    s = first_empty_row(response, "types")
    data.update({f"types-{s}-name": "Extended abstract", f"types-{s}-page_limit": "2"})
    assert chair_client.post(edit_url(bands, "types"), data).status_code == 302

    response, data = get_payload(chair_client, bands, "criteria")
    c = first_empty_row(response, "criteria")
    data.update({f"criteria-{c}-name": "Novelty", f"criteria-{c}-scale": "Low\nMedium\nHigh"})
    assert chair_client.post(edit_url(bands, "criteria"), data).status_code == 302

    response, data = get_payload(chair_client, bands, "people")
    p = first_empty_row(response, "people")
    data.update(
        {
            f"people-{p}-role": PersonRole.SPEAKER,
            f"people-{p}-name": "Micah Goldblum",
            f"people-{p}-photo": png_upload("goldblum.png"),
        }
    )
    assert chair_client.post(edit_url(bands, "people"), data).status_code == 302

    bands.refresh_from_db()
    assert bands.name == "Backdoor Attacks and Defenses (renamed)"
    assert bands.presentation_outcomes == ["virtual_talk"]
    assert Topic.objects.get(name="Dirty-label attacks").parent == attacks
    abstract = bands.dates.get(kind=DateKind.ABSTRACT_REGISTRATION)
    assert abstract.original_at == dt.datetime(2023, 1, 21, 11, 59, 59, tzinfo=UTC)
    assert not bands.dates.filter(kind=DateKind.CAMERA_READY).exists()
    assert bands.submission_types.get(name="Extended abstract").page_limit == 2
    assert bands.criteria.get(name="Novelty").scale == ["Low", "Medium", "High"]
    speaker = bands.people.get(name="Micah Goldblum")
    assert speaker.role == PersonRole.SPEAKER and speaker.photo.name.startswith("people/")
    # Saved existing rows are unchanged by a round trip.
    submission = bands.dates.get(kind=DateKind.PAPER_SUBMISSION)
    assert submission.original_at == aoe(2023, 1, 25) and submission.extended_at == aoe(2023, 2, 3)


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_edit_round_trip_without_changes_changes_nothing(chair_client, bands, section):
    before = snapshot(bands)
    _, data = get_payload(chair_client, bands, section)

    response = chair_client.post(edit_url(bands, section), data)

    assert response.status_code == 302
    after = snapshot(bands)
    after["workshop"][0]["updated_at"] = before["workshop"][0]["updated_at"]
    assert after == before


def other_parts(snap, *keep):
    """The snapshot without the parts a section may change."""
    return {k: v for k, v in snap.items() if k not in keep}


@pytest.mark.django_db
def test_saving_basics_touches_no_other_section(chair_client, bands):
    """Even when the post also carries another section's fields (a stale or crafted page)."""
    before = snapshot(bands)
    _, data = get_payload(chair_client, bands, "basics")
    response, dates = get_payload(chair_client, bands, "dates")
    _, policies = get_payload(chair_client, bands, "policies")
    dates[f"dates-{row_index(response, 'dates', kind=DateKind.CAMERA_READY)}-DELETE"] = "on"
    policies["anonymity"] = "open"
    policies["presentation_outcomes"] = ["virtual_talk"]
    data = {**dates, **policies, **data}
    data["name"] = "Only the name changes"

    assert chair_client.post(edit_url(bands, "basics"), data).status_code == 302

    after = snapshot(bands)
    assert after["workshop"][0]["name"] == "Only the name changes"
    for key in ("name", "updated_at", "version"):
        after["workshop"][0][key] = before["workshop"][0][key]
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("section", "model"),
    [
        ("dates", "ImportantDate"),
        ("types", "SubmissionType"),
        ("topics", "Topic"),
        ("criteria", "ReviewCriterion"),
        ("people", "Person"),
    ],
)
def test_saving_a_formset_section_touches_no_other_section(chair_client, bands, section, model):
    before = snapshot(bands)
    response, data = get_payload(chair_client, bands, section)
    _, basics = get_payload(chair_client, bands, "basics")
    basics["name"] = "Must not change"
    data = {**basics, **data}
    row = first_empty_row(response, section)
    data.update(
        {
            "dates": {
                f"dates-{row}-kind": "abstract_registration",
                f"dates-{row}-original_at": "2023-01-20",
            },
            "types": {f"types-{row}-name": "Short", f"types-{row}-page_limit": "4"},
            "topics": {f"topics-{row}-name": "New topic"},
            "criteria": {f"criteria-{row}-name": "Clarity", f"criteria-{row}-scale": "Lo\nHi"},
            "people": {f"people-{row}-role": PersonRole.SPEAKER, f"people-{row}-name": "Ann"},
        }[section]
    )

    result = chair_client.post(edit_url(bands, section), data)

    assert result.status_code == 302, result.context and result.context["error_summary"]
    after = snapshot(bands)
    assert len(after[model]) == len(before[model]) + 1
    # The workshop row too, but for its version: the save moved it on.
    assert after["workshop"][0]["version"] == before["workshop"][0]["version"] + 1
    after["workshop"][0]["version"] = before["workshop"][0]["version"]
    assert other_parts(after, model) == other_parts(before, model)


@pytest.mark.django_db
def test_edit_extends_a_deadline_shown_struck_through(chair_client, bands, client):
    response, data = get_payload(chair_client, bands, "dates")
    camera = row_index(response, "dates", kind=DateKind.CAMERA_READY)
    data[f"dates-{camera}-extended_at"] = "2023-04-22"

    assert chair_client.post(edit_url(bands, "dates"), data).status_code == 302

    date = bands.dates.get(kind=DateKind.CAMERA_READY)
    assert date.extended_at == aoe(2023, 4, 22)
    html = chair_client.get(bands.get_absolute_url()).content.decode()
    assert '<del><time datetime="2023-04-16T11:59:59Z">' in html


@pytest.mark.django_db
def test_edit_dates_typed_in_a_newly_chosen_timezone(chair_client, bands):
    before = {d.kind: d.original_at for d in bands.dates.all()}
    _, data = get_payload(chair_client, bands, "basics")
    data["timezone"] = "Europe/Paris"
    assert chair_client.post(edit_url(bands, "basics"), data).status_code == 302
    # Changing the zone keeps every date at the same instant.
    assert {d.kind: d.original_at for d in bands.dates.all()} == before

    response, data = get_payload(chair_client, bands, "dates")
    camera = row_index(response, "dates", kind=DateKind.CAMERA_READY)
    data[f"dates-{camera}-original_at"] = "2023-04-15 14:00"

    assert chair_client.post(edit_url(bands, "dates"), data).status_code == 302

    date = bands.dates.get(kind=DateKind.CAMERA_READY)
    assert date.original_at == dt.datetime(2023, 4, 15, 12, 0, tzinfo=UTC)  # CEST is UTC+2


@pytest.mark.django_db
def test_edit_form_shows_dates_in_workshop_timezone(chair_client, bands):
    response = chair_client.get(edit_url(bands, "dates"))

    html = response.content.decode()

    assert 'value="2023-02-03"' in html  # the extension, 23:59:59 AoE shown as its day


# --- bad input: refused with a message, nothing saved -----------------------------------


def post_refused(client, workshop, data, message, section="basics"):
    before = snapshot(workshop)
    data["name"] = "This change must not be saved either"

    response = client.post(edit_url(workshop, section), data)

    refused(response, message)
    assert snapshot(workshop) == before


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["2023-01-25", "2023-01-10"])
def test_edit_rejects_extension_not_after_original(chair_client, bands, extension):
    response, data = get_payload(chair_client, bands, "dates")
    row = row_index(response, "dates", kind=DateKind.PAPER_SUBMISSION)
    data[f"dates-{row}-extended_at"] = extension

    post_refused(
        chair_client, bands, data, "An extension must be later than the original date.", "dates"
    )


@pytest.mark.django_db
def test_edit_rejects_notification_before_submission(chair_client, bands):
    response, data = get_payload(chair_client, bands, "dates")
    row = row_index(response, "dates", kind=DateKind.AUTHOR_NOTIFICATION)
    data[f"dates-{row}-original_at"] = "2023-02-01"  # before the extended Feb 3 deadline

    post_refused(
        chair_client, bands, data, "Author notification must come after paper submission", "dates"
    )


@pytest.mark.django_db
def test_edit_rejects_camera_ready_before_notification(chair_client, bands):
    response, data = get_payload(chair_client, bands, "dates")
    row = row_index(response, "dates", kind=DateKind.CAMERA_READY)
    data[f"dates-{row}-original_at"] = "2023-03-02"

    post_refused(
        chair_client, bands, data, "Camera-ready must come after author notification", "dates"
    )


@pytest.mark.django_db
def test_edit_rejects_abstract_registration_after_submission(chair_client, bands):
    response, data = get_payload(chair_client, bands, "dates")
    row = first_empty_row(response, "dates")
    data.update(
        {f"dates-{row}-kind": "abstract_registration", f"dates-{row}-original_at": "2023-02-10"}
    )

    post_refused(
        chair_client,
        bands,
        data,
        "Paper submission must come on or after abstract registration",
        "dates",
    )


@pytest.mark.django_db
def test_edit_allows_abstract_registration_on_the_submission_deadline(chair_client, bands):
    response, data = get_payload(chair_client, bands, "dates")
    row = first_empty_row(response, "dates")
    data.update(
        {f"dates-{row}-kind": "abstract_registration", f"dates-{row}-original_at": "2023-02-03"}
    )

    assert chair_client.post(edit_url(bands, "dates"), data).status_code == 302
    assert bands.dates.filter(kind="abstract_registration").exists()


@pytest.mark.django_db
def test_edit_rejects_the_same_kind_of_date_twice(chair_client, bands):
    response, data = get_payload(chair_client, bands, "dates")
    row = first_empty_row(response, "dates")
    data.update({f"dates-{row}-kind": "camera_ready", f"dates-{row}-original_at": "2023-04-20"})

    post_refused(chair_client, bands, data, "Please correct the duplicate data for kind", "dates")


@pytest.mark.django_db
def test_edit_rejects_duplicate_slug(chair_client, bands):
    other = WorkshopFactory(slug="taken-2023")
    _, data = get_payload(chair_client, bands)
    data["slug"] = other.slug

    post_refused(chair_client, bands, data, "Another workshop already uses this address")


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "-3"])
def test_edit_rejects_page_limit_below_one(chair_client, bands, limit):
    response, data = get_payload(chair_client, bands, "types")
    row = row_index(response, "types", name="Paper")
    data[f"types-{row}-page_limit"] = limit

    post_refused(chair_client, bands, data, "The page limit must be at least 1 page.", "types")


@pytest.mark.django_db
def test_edit_rejects_subtopic_as_parent(chair_client, bands):
    response, data = get_payload(chair_client, bands, "topics")
    clean_label = Topic.objects.get(workshop=bands, name="Clean-label attacks")
    row = first_empty_row(response, "topics")
    data.update({f"topics-{row}-name": "Too deep", f"topics-{row}-parent": str(clean_label.pk)})

    post_refused(chair_client, bands, data, "Topics nest one level deep only", "topics")


@pytest.mark.django_db
def test_edit_rejects_nesting_under_a_topic_becoming_subtopic(chair_client, bands):
    response, data = get_payload(chair_client, bands, "topics")
    attacks = Topic.objects.get(workshop=bands, name="Backdoor attacks")
    defenses = Topic.objects.get(workshop=bands, name="Backdoor defenses")
    data[f"topics-{row_index(response, 'topics', pk=defenses.pk)}-parent"] = str(attacks.pk)
    row = first_empty_row(response, "topics")
    data.update({f"topics-{row}-name": "Too deep", f"topics-{row}-parent": str(defenses.pk)})

    post_refused(chair_client, bands, data, "Topics nest one level deep only", "topics")


@pytest.mark.django_db
def test_edit_rejects_topic_with_subtopics_becoming_subtopic(chair_client, bands):
    response, data = get_payload(chair_client, bands, "topics")
    attacks = Topic.objects.get(workshop=bands, name="Backdoor attacks")
    defenses = Topic.objects.get(workshop=bands, name="Backdoor defenses")
    data[f"topics-{row_index(response, 'topics', pk=attacks.pk)}-parent"] = str(defenses.pk)

    post_refused(
        chair_client, bands, data, "A topic with sub-topics cannot become a sub-topic.", "topics"
    )


@pytest.mark.django_db
def test_edit_parent_choices_are_this_workshops_top_level_topics(chair_client, bands):
    TopicFactory(name="Elsewhere")  # another workshop's topic
    response = chair_client.get(edit_url(bands, "topics"))
    formset = next(fs for fs in response.context["formsets"] if fs.prefix == "topics")

    names = {t.name for t in formset.forms[-1].fields["parent"].queryset}

    assert names == {"Backdoor attacks", "Backdoor defenses"}


@pytest.mark.django_db
def test_edit_rejects_unknown_timezone(chair_client, bands):
    _, data = get_payload(chair_client, bands)
    data["timezone"] = "Mars/Olympus_Mons"

    post_refused(chair_client, bands, data, "is not a known time zone")


@pytest.mark.django_db
def test_edit_rejects_unreadable_date(chair_client, bands):
    response, data = get_payload(chair_client, bands, "dates")
    row = row_index(response, "dates", kind=DateKind.CAMERA_READY)
    data[f"dates-{row}-original_at"] = "15/04/2023"

    post_refused(chair_client, bands, data, "Enter a date such as 2026-03-06", "dates")


@pytest.mark.django_db
def test_edit_rejects_scale_with_one_level(chair_client, bands):
    response, data = get_payload(chair_client, bands, "criteria")
    row = row_index(response, "criteria", name="Societal impacts")
    data[f"criteria-{row}-scale"] = "Only one"

    post_refused(chair_client, bands, data, "A scale needs at least two levels", "criteria")


@pytest.mark.django_db
def test_program_section_of_the_call_leads_to_the_program_builder(chair_client, bands):
    html = chair_client.get(edit_url(bands)).content.decode()
    builder = reverse("program:manage", args=[bands.slug])

    assert f'href="{builder}"' in html
    assert chair_client.get(edit_url(bands, "program")).url == builder


@pytest.mark.django_db
def test_edit_markdown_script_never_reaches_the_page(chair_client, bands, client):
    _, data = get_payload(chair_client, bands)
    data["overview"] = '<script>alert("x")</script><img src=x onerror="alert(1)"> Fine text'

    assert chair_client.post(edit_url(bands), data).status_code == 302

    html = client.get(bands.get_absolute_url()).content.decode()
    assert "Fine text" in html
    assert "<script>alert" not in html and "onerror" not in html


@pytest.mark.django_db
def test_workshop_form_data_helper_covers_every_field(chair_client, bands):
    basics = form_data(chair_client.get(edit_url(bands)).context["form"])
    policies = form_data(chair_client.get(edit_url(bands, "policies")).context["form"])

    assert {"name", "slug", "timezone"} <= set(basics) and "anonymity" in policies
    # Every field of the workshop form is in exactly one section.
    from workshops.forms import CALL_SECTIONS, WorkshopForm

    fields = [f for section in CALL_SECTIONS for f in section.form_class.section_fields]
    assert sorted(fields) == sorted(WorkshopForm.Meta.fields)


@pytest.mark.django_db
def test_edit_rejects_oversized_photo(chair_client, bands, monkeypatch):
    monkeypatch.setattr("workshops.forms.MAX_PHOTO_BYTES", 10)  # the tiny PNG is larger
    response, data = get_payload(chair_client, bands, "people")
    row = first_empty_row(response, "people")
    data.update({f"people-{row}-name": "Big Photo", f"people-{row}-photo": png_upload()})

    post_refused(chair_client, bands, data, "The photo is too large", "people")


# --- review criteria are locked once a review was submitted -------------------------------


@pytest.fixture
def reviewed(bands):
    """A review of one of the workshop's papers has been submitted."""
    from tests.factories import ReviewFactory

    ReviewFactory(assignment__submission__workshop=bands)
    return bands


CRITERIA_LOCKED = "Reviews have been submitted"


@pytest.mark.django_db
def test_edit_criteria_read_only_once_a_review_is_submitted(chair_client, reviewed):
    response, _data = get_payload(chair_client, reviewed, "criteria")
    formset = next(fs for fs in response.context["formsets"] if fs.prefix == "criteria")
    assert CRITERIA_LOCKED in response.content.decode()
    assert formset.forms and all(
        field.disabled
        for form in formset.forms
        for field in form.fields.values()
        if not field.widget.is_hidden
    )
    assert formset.initial_form_count() == len(formset.forms)  # no blank rows to add one


@pytest.mark.django_db
def test_edit_changed_scale_after_a_review_refused_and_unchanged(chair_client, reviewed):
    criterion = ReviewCriterion.objects.get(workshop=reviewed, name="Societal impacts")
    scale = criterion.scale
    response, data = get_payload(chair_client, reviewed, "criteria")
    row = row_index(response, "criteria", name="Societal impacts")
    data[f"criteria-{row}-scale"] = "Bad\nGood"
    _, basics = get_payload(chair_client, reviewed, "basics")
    data = {**basics, **data, "name": "Renamed with the criteria"}

    result = chair_client.post(edit_url(reviewed, "criteria"), data)

    refused(result, CRITERIA_LOCKED)
    criterion.refresh_from_db()
    assert criterion.scale == scale
    reviewed.refresh_from_db()
    assert reviewed.name != "Renamed with the criteria"


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["delete", "add"])
def test_edit_criteria_deleted_or_added_after_a_review_refused(chair_client, reviewed, change):
    before = snapshot(reviewed)["ReviewCriterion"]
    response, data = get_payload(chair_client, reviewed, "criteria")
    if change == "delete":
        data[f"criteria-{row_index(response, 'criteria', name='Societal impacts')}-DELETE"] = "on"
    else:
        count = int(data["criteria-TOTAL_FORMS"])
        data["criteria-TOTAL_FORMS"] = str(count + 1)
        data.update({f"criteria-{count}-name": "Novelty", f"criteria-{count}-scale": "Lo\nHi"})

    refused(chair_client.post(edit_url(reviewed, "criteria"), data), CRITERIA_LOCKED)
    assert snapshot(reviewed)["ReviewCriterion"] == before


@pytest.mark.django_db
def test_edit_rest_of_the_call_still_saved_with_locked_criteria(chair_client, reviewed):
    """A browser does not post disabled fields: the locked section saves as a no-op, and the
    other sections save as usual."""
    before = snapshot(reviewed)["ReviewCriterion"]
    _response, data = get_payload(chair_client, reviewed, "criteria")
    for key in [
        k
        for k in data
        if k.startswith("criteria-")
        and k.split("-")[-1] in {"name", "description", "scale", "order"}
    ]:
        del data[key]
    result = chair_client.post(edit_url(reviewed, "criteria"), data)
    assert result.status_code == 302, result.context and result.context["error_summary"]

    _response, data = get_payload(chair_client, reviewed, "basics")
    data["name"] = "Renamed while reviews run"
    result = chair_client.post(edit_url(reviewed, "basics"), data)

    assert result.status_code == 302, result.context and result.context["error_summary"]
    reviewed.refresh_from_db()
    assert reviewed.name == "Renamed while reviews run"
    assert snapshot(reviewed)["ReviewCriterion"] == before
