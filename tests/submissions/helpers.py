"""Building the POST data of the submission form."""

from django.core.files.uploadedfile import SimpleUploadedFile


def author_rows(authors, *, extra=0):
    data = {
        "authors-TOTAL_FORMS": str(len(authors) + extra),
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "1000",
    }
    for i, author in enumerate(authors):
        data[f"authors-{i}-name"] = author.get("name", "")
        data[f"authors-{i}-email"] = author.get("email", "")
        data[f"authors-{i}-affiliation"] = author.get("affiliation", "")
        data[f"authors-{i}-ORDER"] = str(author.get("order", i + 1))
        if author.get("delete"):
            data[f"authors-{i}-DELETE"] = "on"
    return data


def form_data(
    call,
    *,
    action="submit",
    authors=None,
    pdf=None,
    pdf_name="paper.pdf",
    title="Clean-label backdoors in practice",
    token="token-1",
    **extra,
):
    paper_type = call.submission_types.first()
    data = {
        "action": action,
        "submission_type": str(paper_type.pk) if paper_type else "",
        "title": title,
        "abstract": "We show how clean-label backdoors survive fine-tuning.",
        "keywords": "backdoors, poisoning",
        "topics": [str(t.pk) for t in call.topics.all()[:1]],
        "ack_code_of_conduct": "on",
        "ack_dual_submission": "on",
        "ack_anonymized": "on",
        "form_token": token,
    }
    if authors is None:
        authors = [
            {"name": "Ada Lovelace", "email": "ada@analytical.example", "affiliation": "AS"},
            {"name": "Charles Babbage", "email": "charles@engine.example", "affiliation": "CE"},
        ]
    data.update(author_rows(authors))
    if pdf is not None:
        data["paper"] = SimpleUploadedFile(pdf_name, pdf, content_type="application/pdf")
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
