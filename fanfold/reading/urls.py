from django.urls import path

from fanfold.reading import views

urlpatterns = [
    path("", views.home, name="home"),
    path("works/drafts/", views.drafts, name="drafts"),
    path("works/<int:work_id>/", views.work_detail, name="work_detail"),
    path("works/<int:work_id>/full/", views.work_full, name="work_full"),
    path("works/<int:work_id>/navigate/", views.chapter_index, name="chapter_index"),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/",
        views.chapter_detail,
        name="chapter_detail",
    ),
    path("tags/<str:type>/<path:name>/", views.tag_detail, name="tag_detail"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
]
