from django.urls import path  # noqa: F401

app_name = "proposals"

urlpatterns = [
    # proposals: the list, opening one, its page and its moves
    # the monthly batches: their pages, approval, sending, the BNBA download
    # objections: recording one, its page and its decision
]
