"""`manage.py office_node --office CA --root DIR --port 9001 --token TOKEN`: the reference node."""

import os

from django.core.management.base import BaseCommand, CommandError

from dossiers.federation.node import FAULTS, OfficeNode, serve


class Command(BaseCommand):
    help = "Serve a folder of PDFs as an office's document service (docs/federation.md)."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="two-letter office code, e.g. CA")
        parser.add_argument("--root", required=True, help="folder: <application>/metadata.json")
        parser.add_argument("--port", type=int, default=9001)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--token", default=os.environ.get("OFFICE_NODE_TOKEN", ""), help="bearer credential"
        )
        parser.add_argument("--fault", default="", help=f"misbehave: one of {', '.join(FAULTS)}")
        parser.add_argument("--audit-log", default="", help="append who asked for what here")

    def handle(self, *args, **opts):
        if not opts["token"]:
            raise CommandError("Give --token (or OFFICE_NODE_TOKEN): the node never runs open.")
        if not os.path.isdir(opts["root"]):
            raise CommandError(f"{opts['root']} is not a folder.")
        code = opts["office"].upper()
        node = OfficeNode(
            office=code,
            root=opts["root"],
            token=opts["token"],
            fault=opts["fault"],
            audit_log=opts["audit_log"] or None,
        )
        self.stdout.write(f"{code} node on http://{opts['host']}:{opts['port']}/ ({opts['root']})")
        self.stdout.flush()
        serve(node, host=opts["host"], port=opts["port"])
