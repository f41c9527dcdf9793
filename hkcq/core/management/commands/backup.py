"""Back up every row and every stored file into one .tar.gz (hkcq.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hkcq.core.backup import backup_create


class Command(BaseCommand):
    help = "Write a backup of the database and all stored files to PATH (.tar.gz); restore it with `restore`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        manifest = backup_create(path=path)
        self.stdout.write(
            f"Backed up {sum(manifest['rows'].values())} rows of {len(manifest['rows'])} tables "
            f"and {len(manifest['files'])} files to {path}."
        )
