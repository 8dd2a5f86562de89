from django.contrib.auth import views as auth_views
from django.urls import path

from doudi.watch import views as watch_forms
from doudi.web import account, views
from doudi.web.views import evidence
from doudi.web.views import review as review_views
from doudi.web.views import rosters as roster_views
from doudi.web.views import watch as watch_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", account.PasswordChangeDoneView.as_view(), name="password_change_done"),
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
    path("watch/households/<int:pk>/", watch_forms.watch_household, name="watch_household"),
    path("watch/households/<int:pk>/visit/", watch_forms.watch_visit, name="watch_visit"),
    path("watch/households/<int:pk>/review/", watch_forms.watch_review, name="watch_review"),
    path("watch/households/<int:pk>/refusal/", watch_forms.watch_refusal, name="watch_refusal"),
    path("watch/households/<int:pk>/temporary/", watch_forms.watch_temporary, name="watch_temporary"),
    path(
        "watch/households/<int:pk>/temporary/<int:grant_pk>/documents/",
        watch_forms.watch_documents,
        name="watch_documents",
    ),
    path("watch/reserve/top-up/", watch_forms.watch_top_up, name="watch_top_up"),
    path("watch/emergency/", watch_forms.watch_emergency, name="watch_emergency"),
    path("evidence/households/<int:pk>/", evidence.household_verification, name="evidence_household"),
    path("evidence/priority/", evidence.priority, name="evidence_priority"),
    path("evidence/integrity/", evidence.integrity, name="evidence_integrity"),
    path("review/", review_views.review_queue_page, name="review_queue"),
    path("review/<int:pk>/decide/", review_views.review_decide, name="review_decide"),
]
