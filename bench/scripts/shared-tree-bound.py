#!/usr/bin/env python3
"""Lower bound on the broadcast latency of one shared spanning tree, against flooding, over dig-sim's overlay.

Builds an overlay like SimRunner's (degree 8 as the union of 4 random Hamiltonian cycles, link latency uniform
in 10-100 ms plus the 5 ms mean jitter of SimLinks.internet()), then for 30 random origins compares the latency
p99 of flooding (each node's shortest path from the origin) with that of a shared tree: the shortest-path tree
of a root, tried for 40 random roots. A broadcast over one shared tree travels the tree path from its origin,
so no shared tree made of shortest paths from one root does better than the best of these roots.
Bandwidth and queueing are left out (1 KB payloads on 100 Mbit/s uplinks); the random overlay is a
different instance from SimRunner's, drawn from the same distribution.

    bench/scripts/shared-tree-bound.py NODES SEED        e.g. bench/scripts/shared-tree-bound.py 10000 1
"""
import heapq
import random
import sys


def overlay(n, rng):
    adj = [dict() for _ in range(n)]
    for _ in range(4):
        order = list(range(n))
        rng.shuffle(order)
        for j in range(n):
            a, b = order[j], order[(j + 1) % n]
            if a != b and b not in adj[a]:
                w = rng.uniform(10, 100) + 5
                adj[a][b] = w
                adj[b][a] = w
    return adj


def shortest(adj, source):
    dist = [float("inf")] * len(adj)
    parent = [-1] * len(adj)
    dist[source] = 0.0
    heap = [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in adj[u].items():
            if d + w < dist[v]:
                dist[v] = d + w
                parent[v] = u
                heapq.heappush(heap, (dist[v], v))
    return dist, parent


def p99(values):
    values = sorted(values)
    return values[int(0.99 * (len(values) - 1))]


def latencies(adj, origins):
    out = []
    for o in origins:
        dist, _ = shortest(adj, o)
        out.extend(d for node, d in enumerate(dist) if node != o)
    return out


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    adj = overlay(n, rng)
    origins = rng.sample(range(n), 30)
    flood = p99(latencies(adj, origins))
    trees = []
    for root in rng.sample(range(n), 40):
        _, parent = shortest(adj, root)
        tree = [dict() for _ in range(n)]
        for v, p in enumerate(parent):
            if p >= 0:
                tree[v][p] = tree[p][v] = adj[v][p]
        trees.append(p99(latencies(tree, origins)))
    trees.sort()
    print(f"nodes {n} seed {seed}: flood p99 {flood:.0f} ms; shared shortest-path tree p99 over 40 roots: "
          f"best {trees[0]:.0f} ms ({trees[0] / flood:.2f}x), median {trees[len(trees) // 2]:.0f} ms "
          f"({trees[len(trees) // 2] / flood:.2f}x), worst {trees[-1]:.0f} ms ({trees[-1] / flood:.2f}x)")


if __name__ == "__main__":
    main()
