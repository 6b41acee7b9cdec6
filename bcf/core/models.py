"""Small shared model pieces."""

from django.db import models


class MoneyField(models.DecimalField):
    """Pounds and pence, stored exactly."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        return name, "bcf.core.models.MoneyField", args, kwargs
