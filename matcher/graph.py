"""The trade graph: who can supply whom, as a NetworkX ``DiGraph`` of pesantren.

An edge ``u → v`` means pesantren ``u`` has an offer that is a candidate for a need of
``v``. Edge attributes: ``candidates`` (list of ``(offer_id, need_id, product, score)``,
best first), ``weight`` (the best score) and ``value`` (rupiah per month the edge could
carry: per need, the best candidate's ``min(offer, need) × price``, summed).
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
['candidates', 'value', 'weight']
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
        best score; ties in candidate order). ``None`` or 0 keeps every edge.

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

    sup = candidates["supplier_id"].to_numpy(np.int64)
    buy = candidates["buyer_id"].to_numpy(np.int64)
    score = candidates["score"].to_numpy(float)
    key = sup * (1 << 32) + buy
    keep = np.ones(len(key), dtype=bool)
    if max_partners:
        # a buyer's best suppliers are the first distinct suppliers of its candidates in
        # score order; one stable float sort (buyer, then score descending; ties keep the
        # candidates' own order) and hash-based steps keep this fast
        order = np.argsort(buy.astype(float) * 4.0 + (1.0 - score), kind="stable")
        k_sorted = key[order]
        first = ~pd.Series(k_sorted).duplicated().to_numpy()
        e_key, e_buy = k_sorted[first], buy[order][first]
        starts = np.flatnonzero(np.r_[True, e_buy[1:] != e_buy[:-1]])
        rank = np.arange(len(e_buy)) - np.repeat(starts, np.diff(np.r_[starts, len(e_buy)]))
        kept = e_key[rank < max_partners]
        keep = pd.Series(key).isin(kept).to_numpy()
    idx = np.flatnonzero(keep)
    offer = candidates["offer_id"].to_numpy(np.int64)[idx]
    need = candidates["need_id"].to_numpy(np.int64)[idx]
    product = candidates["product"].to_numpy(object)[idx]
    score, key = score[idx], key[idx]
    if {"offer_qty", "need_qty", "price"} <= set(candidates.columns):
        qty = np.minimum(
            candidates["offer_qty"].to_numpy(float)[idx],
            candidates["need_qty"].to_numpy(float)[idx],
        )
        potential = qty * candidates["price"].to_numpy(float)[idx]
    else:
        potential = np.zeros(len(idx))
    order = np.lexsort((need, offer, -score, key))
    offer, need, product = offer[order], need[order], product[order]
    score, key, potential = score[order], key[order], potential[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    # value: per need the best candidate's potential (first in score order), summed per edge
    need_key_first = ~pd.DataFrame({"k": key, "n": need}).duplicated().to_numpy()
    value: list[float] = (
        np.add.reduceat(np.where(need_key_first, potential, 0.0), starts).tolist()
        if len(key)
        else []
    )
    rows = list(zip(offer.tolist(), need.tolist(), product.tolist(), score.tolist(), strict=True))
    us, vs = (key[starts] >> 32).tolist(), (key[starts] & 0xFFFFFFFF).tolist()
    G.add_edges_from(
        (
            u,
            v,
            {"candidates": rows[i:j], "weight": rows[i][3], "value": float(val)},
        )
        for u, v, i, j, val in zip(us, vs, starts.tolist(), ends.tolist(), value, strict=True)
    )
    return G
