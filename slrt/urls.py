from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, TokenView
from accounts.views import home
from complaints.api import ComplaintViewSet
from complaints.status_api import StatusView
from complaints.status_views import public_status
from complaints.survey_views import survey_public
from documents.api import DocumentViewSet
from households.api import HouseholdViewSet
from letters.api import LetterVerifyView, LetterViewSet
from letters.check_views import public_letter_check
from programs.api import ProgramViewSet
from proposals.api import ProposalViewSet
from proposals.batch_api import ProposalBatchViewSet
from proposals.objection_api import ObjectionViewSet
from proposals.settlement_api import ProposalSettleView
from referrals.api import ReferralViewSet
from slrt.views import api_not_found, healthz
from visits.api import VisitViewSet

admin.site.site_header = _("SLRT administration")
admin.site.site_title = _("SLRT")
admin.site.index_title = _("Data and settings")

router = DefaultRouter()
router.register("households", HouseholdViewSet, basename="household")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("programs", ProgramViewSet, basename="program")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("visits", VisitViewSet, basename="visit")
router.register("letters", LetterViewSet, basename="letter")
router.register("documents", DocumentViewSet, basename="document")
router.register("objections", ObjectionViewSet, basename="objection")
# the monthly batches of proposals
router.register("proposal-batches", ProposalBatchViewSet, basename="proposal-batch")
# proposals to the national registry
router.register("proposals", ProposalViewSet, basename="proposal")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("status/", StatusView.as_view(), name="status"),  # the public status check
    # a letter's public check (no sign-in), before the router's letters/ routes
    path("letters/verify/<path:token>/", LetterVerifyView.as_view(), name="letter-verify"),
    # the registry's answer to a proposal, by hand (before the router's proposals/ routes)
    path("proposals/<int:pk>/settle/", ProposalSettleView.as_view(), name="proposal-settle"),
    *router.urls,
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("status/", public_status, name="public_status"),
    path("survey/<str:token>/", survey_public, name="survey_public"),  # the resident's SKM
    path("v/<path:token>/", public_letter_check, name="letter_check"),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg")),
    path("accounts/", include("accounts.urls")),
    path("households/regions/", include("regions.urls")),  # the picker, where it always was
    path("households/", include("households.urls")),
    path("complaints/", include("complaints.urls")),
    path("documents/", include("documents.urls")),
    path("programs/", include("programs.urls")),
    path("referrals/", include("referrals.urls")),
    path("outbox/", include("outbox.urls")),
    path("visits/", include("visits.urls")),
    path("proposals/", include("proposals.urls")),
    path("letters/", include("letters.urls")),
    path("reports/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Under /api/ a URL that matches nothing answers JSON even with DEBUG on, where Django
    # would show its HTML page instead of handler404.
    re_path(r"^api/", api_not_found, name="api-not-found"),
]

handler400 = "slrt.views.bad_request"
handler403 = "slrt.views.permission_denied"
handler404 = "slrt.views.page_not_found"
handler500 = "slrt.views.server_error"
