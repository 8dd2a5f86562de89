from django.urls import path

from doudi.web import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
