from django.contrib.auth import views as auth_views
from django.urls import path

from doudi.web import views
from doudi.web.views import evidence
from doudi.web.views import rosters as roster_views
from doudi.web.views import watch as watch_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist.xlsx", views.worklist_xlsx, name="worklist_xlsx"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/take/<slug:name>/", views.case_take, name="case_take"),
    path("persons/<int:pk>/id/", views.reveal_id, name="reveal_id"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("outcomes.xlsx", views.outcomes_xlsx, name="outcomes_xlsx"),
    path("committee/", views.committee, name="committee"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/errors.xlsx", views.error_workbook, name="error_workbook"),
    path("imports/jobs/<slug:token>/", views.import_job, name="import_job"),
    path("search/", views.search, name="search"),
    path("rosters/", roster_views.roster_list, name="rosters"),
    path("rosters/verify/", roster_views.roster_verify, name="roster_verify"),
    path("rosters/diff/", roster_views.roster_diff, name="roster_diff"),
    path("rosters/<int:pk>/", roster_views.roster_version, name="roster_version"),
    path("rosters/<int:pk>/file/<slug:fmt>/", roster_views.roster_file, name="roster_file"),
    path("watch/", watch_views.watch_reviews, name="watch_reviews"),
    path("watch/flags/<int:pk>/resolve/", watch_views.watch_flag_resolve, name="watch_flag_resolve"),
    path("watch/changes/", watch_views.watch_changes, name="watch_changes"),
    path("watch/warnings/", watch_views.watch_warnings, name="watch_warnings"),
    path("watch/payroll/", watch_views.watch_payroll, name="watch_payroll"),
    path("evidence/households/<int:pk>/", evidence.household_verification, name="evidence_household"),
    path("evidence/priority/", evidence.priority, name="evidence_priority"),
    path("evidence/integrity/", evidence.integrity, name="evidence_integrity"),
]
