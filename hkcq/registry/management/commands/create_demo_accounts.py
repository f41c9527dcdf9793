from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hkcq.registry.loading import demo_accounts_ensure


class Command(BaseCommand):
    help = "Create one demo account per role (DEMO ONLY: fixed, published passwords)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Allow it with DEBUG off.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have published passwords; refusing with DEBUG off (use --force).")
        accounts = demo_accounts_ensure()
        self.stdout.write("")
        self.stdout.write("=" * 72)
        self.stdout.write("  DEMO ACCOUNTS — for trying the platform only. Never use them in production.")
        self.stdout.write("=" * 72)
        for username, password, role in accounts:
            self.stdout.write(f"  {role:<12} user name: {username:<22} password: {password}")
        self.stdout.write("=" * 72)
