from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.filters import AccessLogFilter
from accounts.forms import LoginForm
from accounts.roles import Role
from accounts.selectors import access_log_for
from slrt.pagination import EstimatedCountPaginator


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where every staff user lands: their role, working area, and what they can do here."""
    return render(request, "accounts/home.html")


@require_GET
@role_required(Role.SUPERVISOR, Role.ADMIN)
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
