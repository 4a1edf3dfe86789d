from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fanfold.core"
    label = "core"
