from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from offices.models import Office
from offices.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for an office; the key is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="ST.3 code, e.g. US")
        parser.add_argument("--scopes", default="access", help="access, provide or access,provide")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, office, scopes, name, **options):
        found = Office.objects.filter(code=office.strip().upper()).first()
        if found is None:
            raise CommandError(f"No office with code {office!r}.")
        try:
            key, raw = api_key_create(
                office=found, name=name, scopes=[s.strip() for s in scopes.split(",") if s.strip()]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Created key {key.prefix}… for {found.code} with scopes {key.scopes}.")
        self.stdout.write(raw)
