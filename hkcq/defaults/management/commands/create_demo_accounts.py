from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from hkcq.core.choices import Side
from hkcq.partnering.loading import demo_members_ensure
from hkcq.registry.loading import demo_accounts_ensure, demo_password

ROLE_NAMES = {
    "resident": "resident",
    "org_member": "organisation member",
    "officer": "unit officer",
    "secretariat": "secretariat",
    "admin": "administrator",
}


class Command(BaseCommand):
    help = "Create the demo accounts: one per role, and officers of the units enquiries reach most (DEMO ONLY: fixed, published passwords)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Allow it with DEBUG off.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have published passwords; refusing with DEBUG off (use --force).")
        accounts = demo_accounts_ensure()
        # The partnering demo organisations' members (that app builds on the registry's accounts).
        partner_of: dict[str, list[Any]] = {}
        for username, profile in demo_members_ensure():
            partner_of.setdefault(username, []).append(profile)
        line = "=" * 78
        self.stdout.write("")
        self.stdout.write(line)
        self.stdout.write("  DEMO ACCOUNTS — for trying the platform only. Never use them in production.")
        self.stdout.write(line)
        with translation.override("en"):
            for account in accounts:
                role = ROLE_NAMES.get(account.role, account.role)
                side = f", {Side(account.side).label} side" if account.side else ""
                self.stdout.write(f"  {account.username:<24} password: {account.password}")
                self.stdout.write(f"      {role}{side}")
                for unit in account.units:
                    self.stdout.write(f"      unit: {unit} ({unit.ext_id})")
                for organisation in account.organisations:
                    self.stdout.write(f"      organisation: {organisation}")
                for profile in partner_of.get(account.username, []):
                    self.stdout.write(f"      partnering organisation (demonstration data): {profile}")
            # Members of the demonstration event's organisations (seed/exchanges.yaml, made by load_defaults).
            listed = {account.username for account in accounts}
            others = get_user_model().objects.filter(username__startswith="demo-").exclude(username__in=listed)
            for user in others.order_by("username"):
                side = f", {Side(user.side).label} side" if user.side else ""
                self.stdout.write(f"  {user.username:<24} password: {demo_password(user.username)}")
                self.stdout.write(f"      {ROLE_NAMES.get(user.role, user.role)}{side} (demonstration event)")
        self.stdout.write(line)
        self.stdout.write("  Enquiries go to the unit the question is about (most to Exit and Entry, cq_exit_entry);")
        self.stdout.write("  those no unit owns go to the Hong Kong and Macao Affairs Office (cq_hkmao).")
        self.stdout.write(line)
