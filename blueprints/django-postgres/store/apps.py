"""The `store` app: the items and their migrations."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "store"
