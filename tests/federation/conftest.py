import datetime as dt

import pytest

from dossiers.federation import breaker
from dossiers.federation.client import Requester, Service
from dossiers.services.applications import PriorityIn, application_upsert
from offices.service_models import office_service_save
from tests.federation.nodes import TOKEN, Node


@pytest.fixture(scope="module")
def ca_node(tmp_path_factory):
    root = tmp_path_factory.mktemp("ca-node")
    node = Node(office="CA", root=root, log=root.parent / "ca-node.log").start()
    yield node
    node.stop()


@pytest.fixture
def node(ca_node, settings, tmp_path):
    """The CA node, well behaved, with fresh caches and breaker for each test."""
    ca_node.fault("")
    if ca_node.proc is None:
        ca_node.start()
    settings.FEDERATION_CACHE_DIR = str(tmp_path / "fedcache")
    settings.FEDERATION_LIST_TTL = 30.0
    breaker.breaker_success("CA")
    yield ca_node
    ca_node.fault("")


@pytest.fixture
def service(node):
    return Service(office_code="CA", base_url=node.url, token=TOKEN)


@pytest.fixture
def au_examiner_requester():
    return Requester(office_code="AU", role="examiner")


FIRST = ("AU 2020123456", dt.date(2020, 2, 28))


def ca_member(ca, number: str):
    """A published CA application claiming the AU first filing (so in its family)."""
    return application_upsert(
        office=ca,
        number=number,
        filing_date=dt.date(2021, 2, 1),
        priorities=[PriorityIn("AU", *FIRST)],
        published=True,
    )


def web_service_family(*, node, ca, au, numbers=("CA 3,200,001",)):
    """CA serves its documents from `node`; a published AU first filing and CA members claiming
    it. Returns (the AU application, [CA members])."""
    office_service_save(office=ca, mode="web_service", base_url=node.url, token=TOKEN)
    first = application_upsert(office=au, number=FIRST[0], filing_date=FIRST[1], published=True)
    return first, [ca_member(ca, n) for n in numbers]
