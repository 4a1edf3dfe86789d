from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fanfold.api"
    label = "api"
