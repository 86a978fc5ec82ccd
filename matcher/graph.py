"""The trade graph: who can supply whom, as a NetworkX ``DiGraph`` of pesantren.

An edge ``u → v`` means pesantren ``u`` has an offer that is a candidate for a need of
``v``. Edge attributes: ``candidates`` (list of ``(offer_id, need_id, product, score)``,
best first), ``weight`` (the best score), ``value`` (rupiah per month the edge could carry:
per need, the best candidate's ``min(offer, need) × price``, summed) and ``products``.
Node attributes: ``name``, ``region_types`` (list, dominant first), ``kabupaten``,
``regency_code``, ``lat``, ``lon``. Every pesantren of the market is a node, traded or not,
so the map can show the whole network.

>>> from matcher.synthetic import synthetic_market
>>> from matcher.candidates import find_candidates
>>> m = synthetic_market(60, seed=1)
>>> G = trade_graph(m, find_candidates(m))
>>> G.number_of_nodes()
60
>>> u, v, data = next(iter(G.edges(data=True)))
>>> sorted(data)
['candidates', 'products', 'value', 'weight']
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from matcher.market import Market

__all__ = ["trade_graph"]


def trade_graph(
    market: Market, candidates: pd.DataFrame, max_partners: int | None = None
) -> nx.DiGraph:
    """Build the supplier → buyer graph from candidates.

    Parameters
    ----------
    market
        Gives the nodes and their attributes.
    candidates
        Output of :func:`matcher.find_candidates` (needs ``supplier_id``, ``buyer_id``,
        ``offer_id``, ``need_id``, ``product``, ``score``, ``price``, ``offer_qty``,
        ``need_qty``).
    max_partners
        Keep, for each buyer, only the edges from its ``max_partners`` best suppliers (by
        best score; ties by supplier id). ``None`` or 0 keeps every edge.

    Returns
    -------
    networkx.DiGraph
        Nodes are pesantren ids.

    Examples
    --------
    >>> from matcher.synthetic import synthetic_market
    >>> from matcher.candidates import find_candidates
    >>> m = synthetic_market(80, seed=2)
    >>> G = trade_graph(m, find_candidates(m), max_partners=2)
    >>> max(d for _, d in G.in_degree()) <= 2
    True
    """
    needed = {"supplier_id", "buyer_id", "offer_id", "need_id", "product", "score"}
    missing = sorted(needed - set(candidates.columns))
    if missing:
        raise ValueError(f"candidates lack columns {missing}")
    G = nx.DiGraph()
    p = market.pesantren.sort_values("pesantren_id", kind="stable")
    G.add_nodes_from(
        (
            int(pid),
            {
                "name": str(name),
                "region_types": [t for t in str(rt).split(";") if t],
                "kabupaten": str(kab),
                "regency_code": str(code),
                "lat": float(lat),
                "lon": float(lon),
            },
        )
        for pid, name, rt, kab, code, lat, lon in zip(
            p["pesantren_id"],
            p["name"],
            p["region_types"],
            p["kabupaten"],
            p["regency_code"],
            p["lat"],
            p["lon"],
            strict=True,
        )
    )
    if not len(candidates):
        return G

    c = candidates
    if max_partners:
        best = (
            c.groupby(["buyer_id", "supplier_id"], sort=False)["score"]
            .max()
            .reset_index()
            .sort_values(["buyer_id", "score", "supplier_id"], ascending=[True, False, True])
        )
        best = best[best.groupby("buyer_id").cumcount() < max_partners]
        keys = best["supplier_id"].to_numpy() * (1 << 32) + best["buyer_id"].to_numpy()
        ckeys = c["supplier_id"].to_numpy() * (1 << 32) + c["buyer_id"].to_numpy()
        c = c[np.isin(ckeys, keys)]

    qty = np.minimum(c["offer_qty"].to_numpy(float), c["need_qty"].to_numpy(float))
    potential = qty * c["price"].to_numpy(float) if "price" in c else np.zeros(len(c))
    frame = pd.DataFrame(
        {
            "s": c["supplier_id"].to_numpy(np.int64),
            "b": c["buyer_id"].to_numpy(np.int64),
            "offer": c["offer_id"].to_numpy(np.int64),
            "need": c["need_id"].to_numpy(np.int64),
            "product": c["product"].to_numpy(object),
            "score": c["score"].to_numpy(float),
            "value": potential,
        }
    ).sort_values(["s", "b", "score", "offer", "need"], ascending=[True, True, False, True, True])
    value = frame.groupby(["s", "b", "need"], sort=True)["value"].max().groupby(level=[0, 1]).sum()
    s, b = frame["s"].to_numpy(), frame["b"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (s[1:] != s[:-1]) | (b[1:] != b[:-1])])
    ends = np.r_[starts[1:], len(frame)]
    rows = list(
        zip(
            frame["offer"].tolist(),
            frame["need"].tolist(),
            frame["product"].tolist(),
            frame["score"].tolist(),
            strict=True,
        )
    )
    values = value.to_numpy()
    G.add_edges_from(
        (
            int(s[i]),
            int(b[i]),
            {
                "candidates": rows[i:j],
                "weight": rows[i][3],
                "value": float(values[e]),
                "products": sorted({r[2] for r in rows[i:j]}),
            },
        )
        for e, (i, j) in enumerate(zip(starts, ends, strict=True))
    )
    return G
