"""The family rule as a pure function (dossiers/services/family_rule.py), driven the way the write
paths drive it, over many random histories: nothing another office sees may depend on whether a
third office's unpublished applications exist (issue 18.2)."""

import random

import pytest

from dossiers.services.family_rule import FamilyNode, families_partition, unpublished_reach_keys

VIEWER, PUBLIC, HIDDEN = 1, 2, 3
KEYS = [f"K{i}" for i in range(7)]


class World:
    """Applications by ref, written one at a time like `_families_recompute` writes them."""

    def __init__(self):
        self.nodes: dict[str, FamilyNode] = {}
        self.next_id = {"shared": 1, "hidden": 1_000_000}

    def _holding(self, keys, *, published=None):
        return {
            n.family
            for n in self.nodes.values()
            if n.links & set(keys) and (published is None or n.published == published)
        }

    def _members(self, fams):
        return [n for n in self.nodes.values() if n.family in fams]

    def write(self, ref, office, published, links, rank):
        old = self.nodes.get(ref)
        node = FamilyNode(ref, office, published, frozenset(links), old and old.family, rank)
        self.nodes[ref] = node
        fams = self._holding(node.links) | ({old.family} if old else set())
        fams |= self._holding(unpublished_reach_keys(self._members(fams) + [node]), published=True)
        members = self._members(fams)
        if node not in members:
            members.append(node)
        for part in families_partition(members):
            fam = part.family
            if fam is None:
                # New ids from two counters, so the hidden office's families never shift the
                # numbers others get (the database sequence does; that is not a per-application
                # signal and is out of this rule's reach).
                pool = "hidden" if all(m.office == HIDDEN for m in part.members) else "shared"
                fam, self.next_id[pool] = self.next_id[pool], self.next_id[pool] + 1
            for m in part.members:
                self.nodes[m.ref] = FamilyNode(m.ref, m.office, m.published, m.links, fam, m.rank)

    def seen_by_viewer(self):
        return {
            ref: n.family
            for ref, n in sorted(self.nodes.items())
            if n.published or n.office == VIEWER
        }


def _history(rng: random.Random, length: int):
    ops, published = [], {}
    for step in range(length):
        office = rng.choice([VIEWER, PUBLIC, HIDDEN])
        ref = f"{office}-{rng.randrange(3)}"
        own = {ref}  # every application links on its own number...
        was = published.get(ref, False)
        # ...and claims some shared numbers; the hidden office never publishes, the others do
        # (publication is for good).
        pub = office != HIDDEN and (was or rng.random() < 0.4)
        published[ref] = pub
        ops.append((ref, office, pub, own | set(rng.sample(KEYS, rng.randrange(3))), step))
    return ops


@pytest.mark.parametrize("seed", range(300))
def test_what_others_see_never_depends_on_a_third_offices_unpublished_applications(seed):
    rng = random.Random(seed)
    ops = _history(rng, 14)
    with_hidden, without = World(), World()
    for ref, office, pub, links, rank in ops:
        with_hidden.write(ref, office, pub, links, rank)
        if office != HIDDEN:
            without.write(ref, office, pub, links, rank)
            assert with_hidden.seen_by_viewer() == without.seen_by_viewer(), ops


def test_published_applications_sharing_a_number_are_one_family_and_keep_the_oldest_id():
    nodes = [
        FamilyNode("a", PUBLIC, True, frozenset({"a", "p1"}), 5, 1),
        FamilyNode("b", PUBLIC, True, frozenset({"b", "p1", "p2"}), 9, 3),
        FamilyNode("c", VIEWER, True, frozenset({"c", "p2"}), 7, 2),
    ]
    (part,) = families_partition(nodes)
    assert (part.family, sorted(n.ref for n in part.members)) == (5, ["a", "b", "c"])


def test_an_unpublished_group_joins_one_public_family_and_links_only_its_own_office():
    nodes = [
        FamilyNode("pub1", PUBLIC, True, frozenset({"pub1"}), 4, 1),
        FamilyNode("pub2", PUBLIC, True, frozenset({"pub2"}), 2, 2),
        # claims both public families: joins the older one, merges neither
        FamilyNode("u1", HIDDEN, False, frozenset({"u1", "pub1", "pub2"}), 8, 3),
        FamilyNode("u2", HIDDEN, False, frozenset({"u2", "u1"}), 9, 4),  # its continuation
        FamilyNode("v", VIEWER, False, frozenset({"v", "u1"}), 10, 5),  # claims u1: no link
    ]
    parts = {p.family: sorted(n.ref for n in p.members) for p in families_partition(nodes)}
    assert parts == {2: ["pub2", "u1", "u2"], 4: ["pub1"], 10: ["v"]}
