from django.contrib.auth import views as auth_views
from django.urls import path

from fanfold.accounts import views
from fanfold.core.rescue import login_required_keeping_post

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        login_required_keeping_post(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/form_page.html",
                extra_context={"title": "Change your password"},
            )
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={"title": "Password changed", "text": "Your password was changed."},
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Check your email",
                "text": (
                    "If an account uses that address, we sent it a link to choose a new password."
                ),
            },
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/form_page.html",
            extra_context={"title": "Choose a new password"},
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Password set",
                "text": "Your new password is set. You can log in now.",
            },
        ),
        name="password_reset_complete",
    ),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("verify-again/", views.verify_email_resend, name="verify_email_resend"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("preferences/", views.preferences, name="preferences"),
    path("profile/tokens/", views.api_tokens, name="api_tokens"),
    path("preferences/people/", views.people, name="people"),
    path("users/<str:username>/relation/", views.user_relation, name="user_relation"),
]
