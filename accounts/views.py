from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from accounts.decorators import role_required
from accounts.filters import AccessLogFilter
from accounts.forms import LoginForm, TwoFactorForm
from accounts.navigation import home_guidance_for
from accounts.roles import SUPERVISING_ROLES
from accounts.selectors import access_log_for
from accounts.two_factor import confirmed_device_of, device_to_set_up, qr_svg_of, secret_of
from slrt.middleware import shows_whole_identifiers
from slrt.pagination import EstimatedCountPaginator


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Signs out and says so on the sign-in page it leads to."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, _("You have signed out."))
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where every staff user lands: their role, working area, and what they can do here."""
    return render(request, "accounts/home.html", {"guidance": home_guidance_for(request.user)})


@shows_whole_identifiers
@require_GET
@role_required(*SUPERVISING_ROLES)
def access_log(request: HttpRequest) -> HttpResponse:
    """The access log of personal data: who saw, searched or exported what, when, and why."""
    entries = AccessLogFilter(request.GET, queryset=access_log_for(request.user))
    listed = entries.qs if entries.is_valid() else entries.queryset.none()
    return render(
        request,
        "accounts/accesslog_list.html",
        {
            "filters": entries,
            "page": EstimatedCountPaginator(listed, 50).get_page(request.GET.get("page")),
        },
        status=200 if entries.is_valid() else 400,
    )


@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, after setting the
    app up from a QR code the first time."""
    device = confirmed_device_of(request.user)
    setting_up = device is None
    if setting_up:
        device = device_to_set_up(request.user)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            after = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(after, {request.get_host()}, request.is_secure())
            return redirect(after if after and safe else "home")
        form.add_error("code", _("This code is not right. Codes change every 30 seconds."))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "setting_up": setting_up,
            "secret": secret_of(device) if setting_up else "",
            "qr_svg": qr_svg_of(device) if setting_up else "",
        },
        status=400 if form.errors else 200,
    )
