"""The federation contract in one place: paths, headers and the document list's shape.

Field names follow the CASE API's ST.96 vocabulary (docs/federation.md maps them).
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass

LIST_PATH = "applications/{number}/documents"
CONTENT_PATH = "documents/{id}/content"
CHANGES_PATH = "changes"

# Who asks, like the CASE API's requestor fields: the office keeps its own audit.
REQUESTING_OFFICE = "X-Case-Requesting-Office"
REQUESTING_ROLE = "X-Case-Requesting-Role"

CATEGORIES = (
    "search_report",
    "written_opinion",
    "office_action",
    "citation_list",
    "claims",
    "other",
)
_ID = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


class ContractError(ValueError):
    """The office answered something the contract does not allow."""


@dataclass(frozen=True)
class RemoteDocument:
    """One document as the office lists it (never stored as a Document row)."""

    id: str
    category: str
    office_code: str
    date: dt.date
    language: str
    pages: int
    size: int
    sha256: str

    def as_json(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        return data

    @property
    def category_label(self) -> str:
        return self.category.replace("_", " ").capitalize()


def document_parse(item, *, office_code: str) -> RemoteDocument:
    if not isinstance(item, dict):
        raise ContractError("a document entry is not an object")
    try:
        doc = RemoteDocument(
            id=str(item["documentIdentifier"]),
            category=str(item["documentCategory"]),
            office_code=str(item["officeCode"]),
            date=dt.date.fromisoformat(str(item["documentDate"])),
            language=str(item.get("languageCode", "en"))[:8],
            pages=int(item.get("pageQuantity", 0)),
            size=int(item["fileSize"]),
            sha256=str(item["sha256"]).lower(),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContractError(f"a document entry is malformed ({exc})") from exc
    if not _ID.match(doc.id):
        raise ContractError(f"document id {doc.id!r} is not allowed")
    if doc.category not in CATEGORIES:
        raise ContractError(f"unknown document category {doc.category!r}")
    if doc.office_code != office_code:
        raise ContractError(f"document {doc.id} names office {doc.office_code}, not {office_code}")
    if not _SHA.match(doc.sha256) or doc.size < 0 or doc.pages < 0:
        raise ContractError(f"document {doc.id} has a bad sha256 or size")
    return doc


def documents_parse(payload, *, office_code: str) -> list[RemoteDocument]:
    """The list answer -> documents, refusing the whole answer if any entry is wrong."""
    if not isinstance(payload, dict) or not isinstance(payload.get("documents"), list):
        raise ContractError("the answer has no 'documents' list")
    return [document_parse(item, office_code=office_code) for item in payload["documents"]]


def changes_parse(payload) -> tuple[list[str], str]:
    """The change feed's answer -> (application numbers, the office's 'until' mark)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("applications"), list):
        raise ContractError("the change feed has no 'applications' list")
    until = payload.get("until")
    if not isinstance(until, str) or not until or len(until) > 64:
        raise ContractError("the change feed has no 'until' mark")
    return [str(a) for a in payload["applications"]], until


def document_render(doc: RemoteDocument) -> dict:
    """RemoteDocument -> the wire entry (the node writes what the client reads)."""
    return {
        "documentIdentifier": doc.id,
        "documentCategory": doc.category,
        "officeCode": doc.office_code,
        "documentDate": doc.date.isoformat(),
        "languageCode": doc.language,
        "pageQuantity": doc.pages,
        "fileSize": doc.size,
        "sha256": doc.sha256,
    }


def document_from_json(data: dict) -> RemoteDocument:
    """Back from as_json() (the list cache)."""
    return RemoteDocument(**{**data, "date": dt.date.fromisoformat(data["date"])})
