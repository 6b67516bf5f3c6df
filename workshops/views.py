from django.shortcuts import get_object_or_404, render

from .models import Workshop


def index(request):
    workshops = Workshop.objects.published().with_call_data()
    return render(request, "workshops/index.html", {"workshops": workshops})


def detail(request, slug):
    workshop = get_object_or_404(Workshop.objects.with_call_data(), slug=slug)
    return render(request, "workshops/detail.html", {"workshop": workshop})
