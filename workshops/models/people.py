from django.db import models

from ..enums import PersonRole


class Person(models.Model):
    """Someone shown on the workshop page: an organizer, invited speaker or panelist.

    Not an account: organizers often have none, and chairs' rights come from ``Membership``.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="people"
    )
    role = models.CharField(max_length=10, choices=PersonRole, default=PersonRole.ORGANIZER)
    name = models.CharField(max_length=200)
    title = models.CharField(
        max_length=100, blank=True, help_text='Role in the workshop, e.g. "General chair".'
    )
    affiliation = models.CharField(max_length=300, blank=True)
    website = models.URLField(blank=True)
    photo = models.ImageField(upload_to="people/", blank=True)
    talk_title = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["role", "order", "pk"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("-", " ").split() if p[:1].isalpha()]
        if not parts:
            return "?"
        return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()
