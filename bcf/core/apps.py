from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bcf.core"
    label = "core"
    verbose_name = "Core"
