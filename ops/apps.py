from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the portal: health check, backup and restore, load test."""

    name = "ops"
    verbose_name = "Vận hành"
