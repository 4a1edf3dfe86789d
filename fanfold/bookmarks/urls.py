from django.urls import path

from fanfold.bookmarks import views

urlpatterns = [
    path("works/<int:work_id>/bookmarks/", views.work_bookmarks, name="work_bookmarks"),
    path("works/<int:work_id>/bookmark/", views.bookmark_new, name="bookmark_new"),
    path("works/<int:work_id>/later/", views.later_toggle, name="later_toggle"),
    path("bookmarks/", views.my_bookmarks, name="my_bookmarks"),
    path("bookmarks/<int:bookmark_id>/edit/", views.bookmark_edit, name="bookmark_edit"),
    path("bookmarks/<int:bookmark_id>/delete/", views.bookmark_delete, name="bookmark_delete"),
    path("users/<str:username>/bookmarks/", views.user_bookmarks, name="user_bookmarks"),
    path("history/", views.reading_history, name="reading_history"),
    path("history/clear/", views.reading_history_clear, name="reading_history_clear"),
    path("history/settings/", views.reading_history_toggle, name="reading_history_toggle"),
    path("later/", views.later_list, name="marked_for_later"),
]
