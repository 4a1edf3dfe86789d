from django.urls import path

from fanfold.bookmarks import views

urlpatterns = [
    path("works/<int:work_id>/bookmarks/", views.work_bookmarks, name="work_bookmarks"),
]
