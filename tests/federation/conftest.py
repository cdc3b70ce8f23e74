import pytest

from dossiers.federation import breaker
from dossiers.federation.client import Requester, Service
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
