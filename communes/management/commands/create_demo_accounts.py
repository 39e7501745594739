"""Demo accounts for a new development database, one per role, and how to log in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from communes.models import Assignment, Level, Role, Unit

DEMO_PASSWORD = "bhyt-demo-2021"
# username, full name, role, (level, code) of the unit or None for the whole country
DEMO_USERS = [
    ("admin", "Quản trị viên", None, None),
    ("canbo.laichau", "Cán bộ tỉnh Lai Châu", Role.OFFICER, (Level.PROVINCE, "12", None)),
    ("canbo.bacninh", "Cán bộ tỉnh Bắc Ninh", Role.OFFICER, (Level.PROVINCE, "24", None)),
    ("canbo.khonglao", "Cán bộ xã Khổng Lào", Role.OFFICER, (Level.COMMUNE, "03583", None)),
    ("lanhdao", "Lãnh đạo (toàn quốc)", Role.LEADER, None),
    ("lanhdao.laichau", "Lãnh đạo tỉnh Lai Châu", Role.LEADER, (Level.PROVINCE, "12", None)),
    ("chuyenvien", "Chuyên viên (toàn quốc)", Role.STAFF, None),
    ("chuyenvien.laichau", "Chuyên viên tỉnh Lai Châu", Role.STAFF, (Level.PROVINCE, "12", None)),
    # Assigned to districts that ended on 30/06/2025: they read the history, and the administrator's
    # home page offers to move them to the province that carries the district on.
    ("canbo.lucngan", "Cán bộ huyện Lục Ngạn (đến 6/2025)", Role.OFFICER, (Level.DISTRICT, "219", 2021)),
    ("canbo.phongtho", "Cán bộ huyện Phong Thổ (đến 6/2025)", Role.OFFICER, (Level.DISTRICT, "109", 2021)),
    ("lanhdao.phongtho", "Lãnh đạo huyện Phong Thổ (đến 6/2025)", Role.LEADER, (Level.DISTRICT, "109", 2021)),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts a development database lacks (only with DEBUG on); existing accounts, "
        "demo or not, are left as they are."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo accounts are created.")
            return
        existing = set(User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True))
        for username, full_name, role, unit_ref in DEMO_USERS:
            if username not in existing:
                self._create(User, username, full_name, role, unit_ref)
        if User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).exists():
            self.stdout.write(
                "\nĐăng nhập tại http://127.0.0.1:%s/accounts/login/ với một trong các tài khoản mẫu "
                "(mật khẩu: %s):" % (options.get("port") or "8000", DEMO_PASSWORD)
            )
            for username, full_name, *_ in DEMO_USERS:
                self.stdout.write(f"  {username:<18} {full_name}")

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def _create(self, User, username, full_name, role, unit_ref):
        user = User(username=username, first_name=full_name, is_superuser=role is None, is_staff=role is None)
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role is not None:
            level, code, year = unit_ref if unit_ref else (None, None, None)
            unit = Unit.objects.for_url(level, code, year=year) if unit_ref else None
            Assignment.objects.create(user=user, role=role, unit=unit)
