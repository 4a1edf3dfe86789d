from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "fanfold.imports"
    label = "imports"
