"""Min-cost-flow network of the assignment, solved with OR-tools, and its dual proof.

Node layout (``P`` papers, ``R`` reviewers)::

    0 .. P-1        papers
    P .. P+R-1      reviewers
    P+R             source s
    P+R+1           sink "tm" collecting the reviewers' minimum loads
    P+R+2           sink "te" collecting load above the minimum

Arcs: one per candidate pair (paper -> reviewer, capacity 1), then ``s -> paper``
(capacity = demand), ``reviewer -> tm`` (capacity = min load) and
``reviewer -> te`` (capacity = max load - min load).

Minimum loads are handled by the exact lower-bound transformation: the lower
bound of ``reviewer -> sink`` is moved into node supplies.  ``tm`` demands
exactly the sum of the minimum loads and its in-arcs have exactly that total
capacity, so every ``reviewer -> tm`` arc is saturated in any feasible flow,
i.e. every reviewer reaches its minimum; ``te`` absorbs the rest.

OR-tools does not expose node potentials, so optimality is proven afterwards:
Bellman-Ford on the (reversed) residual graph of the optimal flow gives
potentials with non-negative reduced costs on every residual arc (which also
certifies the absence of negative cycles), and the LP dual objective of those
potentials must equal the primal cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.sparse.csgraph import breadth_first_order

# OR-tools multiplies costs by (number of nodes + 1) internally.
INT64_BUDGET = 2**62


class NegativeCycleError(RuntimeError):
    """The residual graph has a negative cycle: the flow is not optimal."""


@dataclass(frozen=True, eq=False)
class Network:
    n_papers: int
    n_reviewers: int
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    n_pairs: int

    @property
    def n_nodes(self) -> int:
        return self.n_papers + self.n_reviewers + 3

    @property
    def source(self) -> int:
        return self.n_papers + self.n_reviewers

    @property
    def source_arcs(self) -> slice:
        return slice(self.n_pairs, self.n_pairs + self.n_papers)

    @property
    def min_arcs(self) -> slice:
        start = self.n_pairs + self.n_papers
        return slice(start, start + self.n_reviewers)

    @property
    def artificial_arcs(self) -> slice:
        return slice(self.n_pairs + self.n_papers + 2 * self.n_reviewers, None)

    @property
    def extra_arcs(self) -> slice:
        start = self.n_pairs + self.n_papers + self.n_reviewers
        return slice(start, start + self.n_reviewers)


@dataclass(frozen=True, eq=False)
class FlowSolution:
    """Optimal flow of a network with its dual certificate."""

    flows: np.ndarray
    cost: int
    potentials: np.ndarray
    dual_cost: int
    min_reduced_cost: int
    bellman_ford_rounds: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def proven(self) -> bool:
        return self.min_reduced_cost >= 0 and self.dual_cost == self.cost


def build_network(
    *,
    n_papers: int,
    n_reviewers: int,
    pair_paper: np.ndarray,
    pair_reviewer: np.ndarray,
    pair_cost: np.ndarray,
    demand: np.ndarray,
    min_load: np.ndarray,
    max_load: np.ndarray,
    coverage: int,
    min_coverage: int,
    priorities: bool = False,
    penalty: int = 0,
) -> Network:
    """Build the assignment network.

    With ``priorities=False`` (the score solve), exactly ``coverage`` reviewer
    slots are filled, ``min_coverage`` of them through the minimum-load arcs.
    With ``priorities=True`` (the coverage solve used for infeasible instances)
    pair costs are ignored and the flow maximises filled slots first, then
    minimum loads met: a filled slot is worth more than all minimum-load
    bonuses together, and unfilled slots bypass through ``s -> te``.

    A positive ``penalty`` adds artificial arcs ``s -> tm`` and ``s -> te`` at
    that unit cost (big-M), so the network is feasible even on a thin
    candidate set; a solution that uses them is not a valid assignment.
    """
    n_pairs = int(pair_paper.shape[0])
    source, sink_min, sink_extra = (n_papers + n_reviewers + offset for offset in range(3))
    papers = np.arange(n_papers, dtype=np.int64)
    reviewers = np.arange(n_reviewers, dtype=np.int64) + n_papers
    total_demand = int(demand.sum())
    total_min = int(min_load.sum())
    slot_bonus, min_bonus = (total_min + 1, 1) if priorities else (0, 0)

    tails = [pair_paper.astype(np.int64), np.full(n_papers, source), reviewers, reviewers]
    heads = [
        pair_reviewer.astype(np.int64) + n_papers,
        papers,
        np.full(n_reviewers, sink_min),
        np.full(n_reviewers, sink_extra),
    ]
    capacities = [np.ones(n_pairs, np.int64), demand, min_load, max_load - min_load]
    costs = [
        np.zeros(n_pairs, np.int64) if priorities else pair_cost.astype(np.int64),
        np.full(n_papers, -slot_bonus, np.int64),
        np.full(n_reviewers, -min_bonus, np.int64),
        np.zeros(n_reviewers, np.int64),
    ]
    supplies = np.zeros(n_papers + n_reviewers + 3, dtype=np.int64)
    if priorities:
        tails += [np.array([sink_min, source])]
        heads += [np.array([sink_extra, sink_extra])]
        capacities += [np.array([total_min, total_demand])]
        costs += [np.zeros(2, np.int64)]
        supplies[source], supplies[sink_extra] = total_demand, -total_demand
    else:
        if penalty:
            tails += [np.array([source, source])]
            heads += [np.array([sink_min, sink_extra])]
            capacities += [np.array([min_coverage, coverage - min_coverage])]
            costs += [np.full(2, penalty, np.int64)]
        supplies[source] = coverage
        supplies[sink_min] = -min_coverage
        supplies[sink_extra] = -(coverage - min_coverage)
    return Network(
        n_papers=n_papers,
        n_reviewers=n_reviewers,
        tails=np.concatenate(tails),
        heads=np.concatenate(heads),
        capacities=np.concatenate(capacities).astype(np.int64),
        costs=np.concatenate(costs).astype(np.int64),
        supplies=supplies,
        n_pairs=n_pairs,
    )


def check_cost_range(network: Network) -> None:
    """Refuse costs that could overflow OR-tools' internal int64 arithmetic."""
    if network.costs.size == 0:
        return
    largest = int(np.abs(network.costs).max())
    flow_bound = int(network.supplies[network.supplies > 0].sum()) + 1
    if (
        largest * (network.n_nodes + 1) * 4 >= INT64_BUDGET
        or largest * flow_bound * 4 >= INT64_BUDGET
    ):
        raise OverflowError(
            "scores are too large for the integer scaling; use a smaller `scale` "
            "or fewer tie-break levels"
        )


def run_min_cost_flow(network: Network) -> tuple[bool, np.ndarray, int]:
    """Solve with OR-tools; returns (feasible, flows, cost)."""
    check_cost_range(network)
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        network.tails, network.heads, network.capacities, network.costs
    )
    solver.set_nodes_supplies(np.arange(network.n_nodes, dtype=np.int64), network.supplies)
    status = solver.solve()
    if status == solver.OPTIMAL:
        flows = np.asarray(solver.flows(arcs), dtype=np.int64)
        cost = int(np.dot(network.costs, flows))
        if cost != solver.optimal_cost():
            raise RuntimeError("min-cost-flow solver reported an inconsistent cost")
        return True, flows, cost
    if status == solver.INFEASIBLE:
        return False, np.zeros(network.tails.shape[0], dtype=np.int64), 0
    raise RuntimeError(f"min-cost-flow solver failed with status {status!r}")


def residual_arcs(network: Network, flows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Arcs of the residual graph as (tails, heads, costs)."""
    forward = flows < network.capacities
    backward = flows > 0
    tails = np.concatenate([network.tails[forward], network.heads[backward]])
    heads = np.concatenate([network.heads[forward], network.tails[backward]])
    costs = np.concatenate([network.costs[forward], -network.costs[backward]])
    return tails, heads, costs


def shortest_path_potentials(
    network: Network, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray
) -> tuple[np.ndarray, int]:
    """Bellman-Ford distances from a virtual root joined to every node at cost 0.

    ``tails``/``heads``/``costs`` describe the arcs to relax (pass them swapped
    to get distances to a virtual sink on the reversed graph).

    Arcs are relaxed in two vectorised half-rounds (arcs into reviewer-side
    nodes, then arcs into paper-side nodes), which follows the alternating
    structure of assignment paths and roughly halves the number of rounds.
    """
    n_nodes = network.n_nodes
    reviewer_side = np.zeros(n_nodes, dtype=bool)
    reviewer_side[network.n_papers : network.n_papers + network.n_reviewers] = True
    reviewer_side[network.source + 1 :] = True
    into_reviewers = reviewer_side[heads]
    groups = [(tails[mask], heads[mask], costs[mask]) for mask in (into_reviewers, ~into_reviewers)]
    distance = np.zeros(n_nodes, dtype=np.int64)
    for round_number in range(1, n_nodes + 2):
        changed = False
        for group_tails, group_heads, group_costs in groups:
            relaxed = distance.copy()
            np.minimum.at(relaxed, group_heads, distance[group_tails] + group_costs)
            if not np.array_equal(relaxed, distance):
                distance = relaxed
                changed = True
        if not changed:
            return distance, round_number
    raise NegativeCycleError("residual graph has a negative cycle")


def source_side(network: Network, flows: np.ndarray) -> np.ndarray:
    """Nodes reachable from the source in the residual graph of the pure
    max-flow network (the coverage network without its bypass and link arcs).

    At maximum coverage this is the source side of a minimum cut: a new
    paper -> reviewer arc can only raise the coverage if it leaves this set.
    """
    regular = slice(0, network.n_pairs + network.n_papers + 2 * network.n_reviewers)
    flows, capacities = flows[regular], network.capacities[regular]
    tails, heads = network.tails[regular], network.heads[regular]
    forward, backward = flows < capacities, flows > 0
    graph = sp.csr_matrix(
        (
            np.ones(int(forward.sum() + backward.sum()), dtype=np.int8),
            (
                np.concatenate([tails[forward], heads[backward]]),
                np.concatenate([heads[forward], tails[backward]]),
            ),
        ),
        shape=(network.n_nodes, network.n_nodes),
    )
    reachable = np.zeros(network.n_nodes, dtype=bool)
    reachable[breadth_first_order(graph, network.source, return_predecessors=False)] = True
    return reachable


def dual_objective(network: Network, potentials: np.ndarray) -> int:
    """LP dual value of node potentials, in exact integer arithmetic.

    For ``min c.x`` with conservation ``out - in = supply`` and ``0 <= x <= u``,
    any potentials give the lower bound
    ``-sum(supply * pi) - sum(u * max(0, -(c + pi[tail] - pi[head])))``.
    """
    reduced = network.costs + potentials[network.tails] - potentials[network.heads]
    negative = reduced < 0
    node_term = np.dot(network.supplies.astype(object), potentials.astype(object))
    arc_term = np.dot(
        network.capacities[negative].astype(object), (-reduced[negative]).astype(object)
    )
    return int(-node_term - arc_term)


def solve_network(network: Network) -> FlowSolution | None:
    """Optimal flow plus potentials proving it, or ``None`` if infeasible."""
    started = time.perf_counter()
    feasible, flows, cost = run_min_cost_flow(network)
    solved = time.perf_counter()
    if not feasible:
        return None
    tails, heads, costs = residual_arcs(network, flows)
    # Distances *to* a virtual sink, on the reversed residual graph: the
    # smallest non-negative potentials, i.e. the highest reviewer "prices".
    # Of all optimal duals these make the fewest unlisted pairs look
    # attractive, which keeps dense-mode pricing short.
    distance, rounds = shortest_path_potentials(network, heads, tails, costs)
    potentials = -distance
    reduced = costs + potentials[tails] - potentials[heads]
    min_reduced = int(reduced.min()) if reduced.size else 0
    dual = dual_objective(network, potentials)
    finished = time.perf_counter()
    return FlowSolution(
        flows=flows,
        cost=cost,
        potentials=potentials,
        dual_cost=dual,
        min_reduced_cost=min_reduced,
        bellman_ford_rounds=rounds,
        timings={"min_cost_flow": solved - started, "dual_proof": finished - solved},
    )
