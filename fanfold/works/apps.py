from django.apps import AppConfig


class WorksConfig(AppConfig):
    name = "fanfold.works"
    label = "works"
