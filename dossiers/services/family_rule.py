"""The family rule, pure: which applications form one extended family, and which family id each
family keeps. Every write path (one application, a bulk call, an import chunk) calls
`families_partition` over the nodes of the families it touches, so the rule lives once.

Published applications link on every linking number (own, priority, PCT): their connected
components are the public families. An unpublished application must be undetectable by every
other office (issue 18.2), so:

- its numbers never pull another office's application in: unpublished applications link only with
  those of their own office (a continuation and its parent, both still unpublished);
- such a group may join one public family that one of its numbers reaches (the family it claims
  into), for its own office's examiners; it never joins two (that would merge public families);
- family ids: a public family keeps the oldest id its published members hold; an unpublished
  group keeps an id only unpublished applications of its own office hold. So nothing another
  office sees depends on whether a third office's unpublished application exists.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FamilyNode:
    """One application as the rule sees it, in the state being written."""

    ref: Hashable  # the caller's handle (pk or key)
    office: int
    published: bool
    links: frozenset[str]  # every linking key (LookupKey.LINKING): own number, priorities, PCT
    family: int | None  # the family it is in now (None: new)
    rank: int  # age: older first (pk; new applications after every stored one)


@dataclass
class FamilyPart:
    """One family after the write: the id to keep (None: a new family) and its members."""

    family: int | None
    members: list[FamilyNode]


class _UnionFind:
    def __init__(self, nodes: Iterable[FamilyNode]):
        self.parent = {n.ref: n.ref for n in nodes}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def link_on_keys(self, nodes: Iterable[FamilyNode]) -> None:
        first: dict[str, Hashable] = {}
        for node in nodes:
            for key in node.links:
                other = first.setdefault(key, node.ref)
                a, b = self.find(node.ref), self.find(other)
                if a != b:
                    self.parent[max(a, b, key=str)] = min(a, b, key=str)

    def groups(self, nodes: Iterable[FamilyNode]) -> list[list[FamilyNode]]:
        out: dict[Hashable, list[FamilyNode]] = {}
        for node in nodes:
            out.setdefault(self.find(node.ref), []).append(node)
        return list(out.values())


def _order(parts: list[list[FamilyNode]]) -> list[list[FamilyNode]]:
    # The biggest keeps the oldest id, so permalinks stay stable; ties: the oldest member.
    return sorted(parts, key=lambda p: (-len(p), min(n.rank for n in p)))


def families_partition(nodes: Iterable[FamilyNode]) -> list[FamilyPart]:
    """The families of `nodes`: every node of the families a write touches (their members, with
    the written applications in their new state), plus every family a number of an unpublished
    member reaches (`unpublished_reach_keys`)."""
    nodes = list(nodes)
    published = [n for n in nodes if n.published]
    uf = _UnionFind(nodes)
    uf.link_on_keys(published)
    used: set[int] = set()
    public: list[FamilyPart] = []
    for comp in _order(uf.groups(published)):
        held = sorted({n.family for n in comp if n.family is not None} - used)
        fam = held[0] if held else None
        if fam is not None:
            used.add(fam)
        public.append(FamilyPart(fam, comp))
    public_of_key: dict[str, FamilyPart] = {}
    for part in public:
        for node in part.members:
            for key in node.links:
                public_of_key.setdefault(key, part)

    by_office: dict[int, list[FamilyNode]] = {}
    for n in nodes:
        if not n.published:
            by_office.setdefault(n.office, []).append(n)
    alone: list[list[FamilyNode]] = []
    for office_nodes in by_office.values():
        uf.link_on_keys(office_nodes)
        for group in uf.groups(office_nodes):
            reached = {id(p): p for n in group for k in n.links if (p := public_of_key.get(k))}
            if not reached:
                alone.append(group)
                continue
            # Stay where the group is, if that family is still reached; else the oldest.
            current = {n.family for n in group}
            home = min(
                reached.values(),
                key=lambda p: (
                    p.family not in current,
                    p.family is None,
                    p.family or 0,
                    min(n.rank for n in p.members),
                ),
            )
            home.members.extend(group)

    holders: dict[int, list[FamilyNode]] = {}
    for n in nodes:
        if n.family is not None:
            holders.setdefault(n.family, []).append(n)
    parts = list(public)
    for group in _order(alone):
        office = group[0].office
        # Only an id no published application and no other office holds: whether another
        # office's unpublished application is in that family must not decide it.
        own = sorted(
            f
            for f in {n.family for n in group if n.family is not None} - used
            if all(h.office == office and not h.published for h in holders[f])
        )
        fam = own[0] if own else None
        if fam is not None:
            used.add(fam)
        parts.append(FamilyPart(fam, group))
    return parts


def unpublished_reach_keys(nodes: Iterable[FamilyNode]) -> set[str]:
    """The linking keys of the unpublished nodes: the families of published applications holding
    one of them must be loaded too, so a group can move to another family it claims into."""
    return {k for n in nodes if not n.published for k in n.links}
