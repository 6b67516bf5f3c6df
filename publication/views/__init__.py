"""Views of the publication app (one module per area: the authors' camera-ready page, the
chairs' camera-ready pages, the public pages)."""
