from django.urls import include, path

from . import response_urls
from .views import author, chair, committee, decisions, members, questions, reviewer

app_name = "reviews"
urlpatterns = [
    path("", reviewer.home, name="home"),
    path("", include("reviews.area_chair_urls")),
    *response_urls.urlpatterns,  # the author response and review versions
    # Personal invitation links.
    path("invitation/<str:token>/accept/", committee.invitation_accept, name="invitation_accept"),
    path(
        "invitation/<str:token>/decline/", committee.invitation_decline, name="invitation_decline"
    ),
    # One paper, for its reviewers, chairs and authors.
    path("paper/<slug:slug>/<int:number>/", reviewer.paper, name="paper"),
    path("paper/<slug:slug>/<int:number>/pdf/", reviewer.paper_pdf, name="paper_pdf"),
    path("paper/<slug:slug>/<int:number>/review/", reviewer.review_edit, name="review_edit"),
    path("paper/<slug:slug>/<int:number>/decline/", reviewer.decline, name="decline"),
    path("paper/<slug:slug>/<int:number>/discussion/", reviewer.discussion, name="discussion"),
    path("paper/<slug:slug>/<int:number>/bid/", reviewer.bid, name="bid"),
    path("paper/<slug:slug>/<int:number>/author-view/", author.author_view, name="author_view"),
    path(
        "paper/<slug:slug>/<int:number>/conflicts/",
        author.author_conflicts,
        name="author_conflicts",
    ),
    # A committee member's workshop.
    path("<slug:slug>/", reviewer.workshop_home, name="workshop"),
    path("<slug:slug>/profile/", reviewer.profile, name="profile"),
    path("<slug:slug>/bids/", reviewer.bids, name="bids"),
    # Chairs.
    path("<slug:slug>/manage/", chair.dashboard, name="manage"),
    path("<slug:slug>/manage/settings/", chair.settings_view, name="manage_settings"),
    path("<slug:slug>/manage/committee/", committee.committee, name="committee"),
    path(
        "<slug:slug>/manage/committee/<int:pk>/resend/",
        committee.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/manage/committee/<int:pk>/allow-author/",
        committee.invitation_allow_author,
        name="invitation_allow_author",
    ),
    path(
        "<slug:slug>/manage/committee/member/<int:user_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path(
        "<slug:slug>/manage/committee/member/<int:user_id>/role/",
        members.member_role,
        name="member_role",
    ),
    path("<slug:slug>/manage/committee/chairs/add/", members.chair_add, name="chair_add"),
    path("<slug:slug>/manage/criteria/", chair.criteria, name="criteria"),
    path("<slug:slug>/manage/questions/", questions.questions, name="questions"),
    path("<slug:slug>/manage/conflicts/", chair.conflicts, name="conflicts"),
    path("<slug:slug>/manage/paper/<int:number>/", chair.manage_paper, name="manage_paper"),
    path(
        "<slug:slug>/manage/reviewer/<int:user_id>/",
        chair.manage_reviewer,
        name="manage_reviewer",
    ),
    path("<slug:slug>/manage/decisions/", decisions.decisions, name="decisions"),
    path(
        "<slug:slug>/manage/decisions/release/",
        decisions.release_confirm,
        name="release_confirm",
    ),
    path(
        "<slug:slug>/manage/decisions/<int:number>/stage/",
        decisions.decision_stage,
        name="decision_stage",
    ),
    path("<slug:slug>/manage/templates/", chair.templates, name="templates"),
    path("<slug:slug>/manage/outbox/", chair.outbox, name="outbox"),
    path("<slug:slug>/manage/outbox/<int:pk>/resend/", chair.outbox_resend, name="outbox_resend"),
    path("<slug:slug>/manage/remind/", chair.remind_late, name="remind_late"),
    path("", include("reviews.area_chair_urls")),
]
