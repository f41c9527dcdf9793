"""Replace the database's rows and the stored files with a backup (hkcq.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hkcq.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace EVERY row of the database and every stored file with the backup at PATH, then verify "
        "the row counts and checksums. Run `migrate` (same release as the backup) first; stop the "
        "application servers and workers while it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, path: Path, yes: bool = False, **options: Any) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        if not yes and input("This replaces all data and files. Type 'restore' to go on: ") != "restore":
            raise CommandError("Nothing was changed.")
        try:
            manifest = backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {sum(manifest['rows'].values())} rows and {len(manifest['files'])} files "
            f"from the backup of {manifest['created']}; counts and checksums verified."
        )
