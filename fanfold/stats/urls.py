from django.urls import path

from fanfold.stats import views

urlpatterns = [
    path("stats/", views.my_stats, name="my_stats"),
    path("stats.csv", views.my_stats_csv, name="my_stats_csv"),
    path("works/<int:work_id>/stats/", views.work_stats, name="work_stats"),
    path("works/<int:work_id>/stats.csv", views.work_stats_csv, name="work_stats_csv"),
]
