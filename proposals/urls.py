from django.urls import path

from proposals import batch_views, objection_views, settlement_views, views

app_name = "proposals"

urlpatterns = [
    # proposals: the list, opening one, its page and its moves
    path("", views.proposal_list, name="list"),
    path("new/<int:household_pk>/", views.proposal_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/transition/", views.proposal_transition, name="transition"),
    path("<int:pk>/visit/", views.proposal_visit_request, name="visit_request"),
    # the monthly batches: their pages, approval, sending, the BNBA download
    path("batches/", batch_views.batch_list, name="batch_list"),
    path("batches/<int:pk>/", batch_views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/approve/", batch_views.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/send/", batch_views.batch_send, name="batch_send"),
    path("batches/<int:pk>/bnba.xlsx", batch_views.batch_bnba, name="batch_bnba"),
    # objections: recording one, its page and its decision
    path("objections/", objection_views.objection_list, name="objection_list"),
    path(
        "objections/new/<int:household_pk>/",
        objection_views.objection_create,
        name="objection_create",
    ),
    path("objections/<int:pk>/", objection_views.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/decide/", objection_views.objection_decide, name="objection_decide"),
    # the registry's answer: settling by hand, and the proposals it leaves unanswered
    path("<int:pk>/settle/", settlement_views.proposal_settle, name="settle"),
    path("follow-up/", settlement_views.proposals_follow_up, name="follow_up"),
]
