"""Draw one HTML page into a PDF with WeasyPrint: HTML on stdin, PDF on stdout.

Run as a script in its own Python process by `package_archive.IndexDrawer` (no Django, no
database): a package index of hundreds of rows takes seconds of CPU and ~100 MiB to lay out,
which a separate process neither takes from the worker's copy of the files (the GIL) nor leaves
in the worker's memory. The process is started before the HTML is ready, so the HTML is read in
a thread while WeasyPrint is imported.
"""

import gc
import sys
import threading


def main() -> int:
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(sys.stdin.buffer.read()))
    reader.start()
    from weasyprint import HTML

    reader.join()
    # One drawing, then the process ends: the cyclic collector would only slow it (by a fifth;
    # the peak memory is the same without it).
    gc.disable()
    if not received or not received[0]:
        print("no HTML was sent", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(HTML(string=received[0].decode("utf-8")).write_pdf())
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
