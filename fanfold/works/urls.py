from django.urls import path

from fanfold.works import views

urlpatterns = [
    path("works/new/", views.work_new, name="work_new"),
    path("works/autosave/", views.autosave, name="autosave"),
    path("works/<int:work_id>/edit/", views.work_edit, name="work_edit"),
    path("works/<int:work_id>/delete/", views.work_delete, name="work_delete"),
    path("works/<int:work_id>/publish/", views.work_publish, name="work_publish"),
    path("works/<int:work_id>/complete/", views.work_complete, name="work_complete"),
    path("works/<int:work_id>/chapters/new/", views.chapter_new, name="chapter_new"),
    path("works/<int:work_id>/chapters/manage/", views.chapters_manage, name="chapters_manage"),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/edit/",
        views.chapter_edit,
        name="chapter_edit",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/delete/",
        views.chapter_delete,
        name="chapter_delete",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/publish/",
        views.chapter_publish,
        name="chapter_publish",
    ),
]
