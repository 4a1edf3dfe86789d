from django.urls import path

from fanfold.feedback import views

urlpatterns = [
    path("works/<int:work_id>/comment/", views.comment_new, name="comment_new"),
    path("works/<int:work_id>/kudos/", views.kudos, name="kudos"),
    path("comments/<int:comment_id>/", views.comment_detail, name="comment_detail"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("inbox/", views.inbox, name="inbox"),
    path("report/", views.report, name="report"),
]
