from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "fanfold.feedback"
    label = "feedback"
