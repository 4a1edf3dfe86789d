from django.urls import path

from fanfold.imports import views

urlpatterns = [
    path("works/import/", views.import_work, name="import_work"),
    path("works/import/claim/", views.claim_imported, name="claim_imported"),
]
