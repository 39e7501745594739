"""Demo accounts for a new development database, one per role, and how to log in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from communes.models import Assignment, Level, Role, Unit

DEMO_PASSWORD = "bhyt-demo-2021"
# username, full name, role, (level, code) of the unit or None for the whole country
DEMO_USERS = [
    ("admin", "Quản trị viên", None, None),
    ("canbo.lucngan", "Cán bộ huyện Lục Ngạn", Role.OFFICER, (Level.DISTRICT, "219")),
    ("canbo.phongtho", "Cán bộ huyện Phong Thổ", Role.OFFICER, (Level.DISTRICT, "109")),
    ("canbo.khonglao", "Cán bộ xã Khổng Lào", Role.OFFICER, (Level.COMMUNE, "03583")),
    ("canbo.laichau", "Cán bộ tỉnh Lai Châu (nhập cho các xã mới từ 7/2025)", Role.OFFICER, (Level.PROVINCE, "12")),
    ("lanhdao", "Lãnh đạo (toàn quốc)", Role.LEADER, None),
    ("lanhdao.phongtho", "Lãnh đạo huyện Phong Thổ", Role.LEADER, (Level.DISTRICT, "109")),
    ("chuyenvien", "Chuyên viên", Role.STAFF, None),
]


class Command(BaseCommand):
    help = "Create demo accounts, only in development (DEBUG) and only when the database has no user."

    def handle(self, *args, **options):
        User = get_user_model()
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo accounts are created.")
            return
        if User.objects.exists():
            self.stdout.write("Tài khoản đã có sẵn; không tạo thêm tài khoản mẫu.")
        else:
            for username, full_name, role, unit_ref in DEMO_USERS:
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
            unit = Unit.objects.for_url(*unit_ref, year=2021) if unit_ref else None
            Assignment.objects.create(user=user, role=role, unit=unit)
