from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content for a fresh archive (`manage.py load_demo`): above every domain app, so
    that core never needs to know them."""

    name = "fanfold.demo"
