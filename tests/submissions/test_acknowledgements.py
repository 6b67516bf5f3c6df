import pytest

from submissions.services.state import required_acknowledgements
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dual_submission_allowed", "statement_required"),
    [(False, True), (True, False), (None, False)],
)
def test_dual_submission_statement_required_only_when_the_call_forbids_it(
    dual_submission_allowed, statement_required
):
    workshop = factories.WorkshopFactory(dual_submission_allowed=dual_submission_allowed)

    fields = [name for name, _label in required_acknowledgements(workshop)]

    assert ("ack_dual_submission" in fields) is statement_required


@pytest.mark.django_db
def test_acknowledgements_unstated_anonymity_asks_for_no_anonymization_statement():
    workshop = factories.WorkshopFactory(anonymity="not_stated")

    fields = [name for name, _label in required_acknowledgements(workshop)]

    assert "ack_anonymized" not in fields
