from django.urls import path

from proposals import settlement_views, views

app_name = "proposals"

urlpatterns = [
    # proposals: the list, opening one, its page and its moves
    path("", views.proposal_list, name="list"),
    path("new/<int:household_pk>/", views.proposal_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/transition/", views.proposal_transition, name="transition"),
    path("<int:pk>/visit/", views.proposal_visit_request, name="visit_request"),
    # the monthly batches: their pages, approval, sending, the BNBA download
    # objections: recording one, its page and its decision
    # the registry's answer: settling by hand, and the proposals it leaves unanswered
    path("<int:pk>/settle/", settlement_views.proposal_settle, name="settle"),
    path("follow-up/", settlement_views.proposals_follow_up, name="follow_up"),
]
