import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coverage_portal.settings")
os.environ["COVERAGE_PORTAL_SERVING"] = "1"  # settings refuse to serve without a secret key
application = get_wsgi_application()
