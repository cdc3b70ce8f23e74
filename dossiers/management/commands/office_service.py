"""`manage.py office_service --office CA --url URL --token TOKEN`: make CA a web-service office.

`--deposit` switches it back; `--test` calls its service once; with only `--office` it shows the
settings. The credential is never printed, only its last four characters.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from offices.models import Office
from offices.service_models import OfficeService, office_service_save

from ...federation.offices import connection_test_row


class Command(BaseCommand):
    help = "Set whether an office deposits documents or serves them from its own web service."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True)
        parser.add_argument("--url", help="the service's base URL")
        parser.add_argument("--token", help="the office's bearer credential")
        parser.add_argument("--deposit", action="store_true", help="back to depositing")
        parser.add_argument("--test", action="store_true", help="call the service once")

    def handle(self, *args, **opts):
        office = Office.objects.filter(code=opts["office"].upper()).first()
        if office is None:
            raise CommandError(f"No office {opts['office']!r}.")
        if opts["deposit"] or opts["url"] or opts["token"]:
            mode = OfficeService.Mode.DEPOSIT if opts["deposit"] else OfficeService.Mode.WEB_SERVICE
            try:
                row = office_service_save(
                    office=office, mode=mode, base_url=opts["url"], token=opts["token"]
                )
            except ValidationError as exc:
                messages = "; ".join(m for ms in exc.message_dict.values() for m in ms)
                raise CommandError(messages) from exc
        else:
            row = OfficeService.objects.filter(office=office).first()
        if row is None:
            self.stdout.write(f"{office.code}: deposit (no service set)")
            return
        self.stdout.write(
            f"{office.code}: {row.get_mode_display()}; URL {row.base_url or '(none)'}; "
            f"credential {row.token_hint}"
        )
        if opts["test"]:
            self.stdout.write(f"test connection: {connection_test_row(row)}")
