"""Demo reviews read like real ones: scores agree with the recommendation, the summary fits."""

from reviews import demo
from reviews.models import Review
from tests.scenarios import set_phase


def test_demo_review_scores_agree_with_the_recommendation(scenario):
    set_phase(scenario.workshop, "discussion")

    demo.load()

    reviews = Review.objects.filter(state="submitted").prefetch_related("scores__criterion")
    assert reviews.exists()
    for review in reviews:
        for score in review.scores.all():
            levels = len(score.criterion.scale)
            if review.recommendation >= 5:  # accept or strong accept
                assert score.value > levels / 2, (review.recommendation, score.value, levels)
            if review.recommendation <= 2:  # reject or strong reject
                assert score.value <= (levels + 1) / 2, (review.recommendation, score.value)


def test_demo_review_summary_describes_its_own_paper(scenario):
    set_phase(scenario.workshop, "discussion")

    demo.load()

    for review in Review.objects.select_related("assignment__submission"):
        paper = review.assignment.submission
        assert paper.title in review.summary
        # The first words of the abstract, with "We" told as "The authors".
        first_sentence = paper.abstract.split(".")[0]
        told = first_sentence.replace("We ", "The authors ", 1)
        assert review.summary.startswith(told), (told, review.summary)
