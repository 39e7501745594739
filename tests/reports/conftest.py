"""Fixtures the report tests share: the demo figures on the day pages open on, and LibreOffice."""

import io
import os
import shutil

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db, settings, now_is):
    """`make run`'s demo data on 02/12/2026: both documents' districts until 6/2025, today's communes
    of Lai Châu and Bắc Ninh from 7/2025 to November 2026 (which a quarter of them have not sent)."""
    settings.DEBUG = True  # the command makes synthetic figures only for a development database
    call_command("load_demo_figures", stdout=io.StringIO())


@pytest.fixture
def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "LibreOffice (soffice) is required in CI: apt-get install libreoffice-calc-nogui libreoffice-writer-nogui"
            )
        pytest.skip("LibreOffice is not installed")
    return path
