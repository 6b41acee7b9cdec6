from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans and organisations"

    def ready(self):
        # The task list summary renews itself after every write (plans.editing.after_write).
        from plans.content import task_summary  # noqa: F401
