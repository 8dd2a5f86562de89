from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("reasons", views.reasons, name="reasons"),
    path("campaigns", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/cases", views.campaign_cases, name="campaign-cases"),
    path("campaigns/<int:pk>/overdue", views.overdue, name="overdue"),
    path("campaigns/<int:pk>/open-cases", views.open_cases, name="open-cases"),
    path("campaigns/<int:pk>/committee-meetings", views.committee_meetings, name="committee-meetings"),
    path("cases/<int:pk>", views.case, name="case"),
    path("cases/<int:pk>/transitions", views.transitions, name="transitions"),
]
